import type { Fact } from '@evident/core';
import { describe, it } from 'vitest';
import { admin, breakGlass, ENTRA, exception, GITHUB, identity, on, unenforced } from '../testing/builders.ts';
import { type Case, check } from '../testing/check.ts';

const many = (n: number, make: (s: string) => Fact, prefix = 'u') =>
  Array.from({ length: n }, (_, i) => make(`${prefix}${String(i).padStart(2, '0')}`));
const unknownMfa = (s: string) =>
  identity(s, { mfaEnforced: 'unknown', enforcementSource: 'unknown', enforcementReason: 'unknown' });

const CASES: Record<string, Case[]> = {
  'MFA-01': [
    {
      name: 'partial at the 90% band',
      facts: [...many(9, identity), unenforced('z')],
      status: 'partial',
      coverage: [9, 10],
    },
    {
      name: 'fail below the band',
      facts: [identity('a'), unenforced('z')],
      status: 'fail',
      reason: /1 of 2 human users is forced through MFA \(50%\)/,
    },
    {
      name: 'partial when the band is lowered',
      facts: [identity('a'), unenforced('z')],
      params: { partialBand: 0.5 },
      status: 'partial',
    },
    {
      name: 'not applicable without human users',
      facts: [
        identity('g', { kind: 'guest' }),
        identity('s', { kind: 'service' }),
        breakGlass('bg'),
        identity('m', { mspPrincipal: true }),
        unenforced('d', { enabled: false }),
      ],
      status: 'not_applicable',
      reason: /no enabled human user/i,
    },
    {
      name: 'guests, MSP, disabled, service and break-glass accounts are out of scope',
      facts: [
        identity('a'),
        unenforced('g', { kind: 'guest' }),
        unenforced('x', { external: true }),
        unenforced('m', { mspPrincipal: true }),
        unenforced('d', { enabled: false }),
        unenforced('s', { kind: 'service' }),
        breakGlass('bg'),
      ],
      status: 'pass',
      coverage: [1, 1],
    },
    {
      name: 'unknown when more than 5% could not be determined',
      facts: [...many(18, identity), unknownMfa('q1'), unknownMfa('q2')],
      status: 'unknown',
      reason: /2 of 20 human users could not be determined, more than the 5% allowed/,
    },
    {
      name: 'partial, never pass, with unknowns within the limit',
      facts: [...many(20, identity), unknownMfa('q1')],
      status: 'partial',
      failing: ['q1'],
      why: /could not be determined/,
    },
    {
      name: 'fail when even favourable unknowns could not lift it',
      facts: [...many(2, identity), unknownMfa('q1'), ...many(7, unenforced, 'z')],
      status: 'fail',
    },
    {
      name: 'says why: registration without enforcement',
      facts: [identity('a'), unenforced('z')],
      status: 'fail',
      why: /^MFA registered but no enabled policy enforces it$/,
    },
    {
      name: 'says why: excluded by a named policy',
      facts: [
        identity('a'),
        unenforced('z', {
          enforcementReason: 'excluded',
          enforcementDetail: "policy 'Require MFA' excludes group 'Travel'",
        }),
      ],
      status: 'fail',
      why: /^excluded from every policy that enforces MFA: policy 'Require MFA' excludes group 'Travel'$/,
    },
    {
      name: 'matches an exception by principal name, case-insensitively',
      facts: [identity('a'), unenforced('z')],
      exceptions: [exception('MFA-01', 'Z@CONTOSO.EXAMPLE')],
      status: 'pass',
      excepted: ['z'],
      reason: /1 excepted/,
    },
    {
      name: 'the worst connection decides, and the reason names each',
      facts: [identity('a'), ...on(GITHUB, [unenforced('octo')])],
      status: 'fail',
      reason: new RegExp(`^On ${GITHUB}, 0 of 1 human user is forced.*; on ${ENTRA}, the only human user is forced`),
    },
  ],
  'MFA-02': [
    {
      name: 'partial when the rest is only registered',
      facts: [admin('a'), unenforced('b', { privileged: true })],
      status: 'partial',
      failing: ['b'],
      why: /registered but no enabled policy/,
    },
    {
      name: 'partial when enforcement is per-user only',
      facts: [admin('a'), admin('b', { enforcementSource: 'per_user', enforcementReason: 'enforced_per_user' })],
      status: 'partial',
      why: /per-user setting/,
    },
    {
      name: 'fail when a privileged account has no MFA at all',
      facts: [
        admin('a'),
        unenforced('b', { privileged: true, mfaRegistered: false, enforcementReason: 'not_registered' }),
      ],
      status: 'fail',
      reason: /1 is without any MFA/,
    },
    {
      name: 'privilege unknown counts as undetermined',
      facts: [admin('a'), unenforced('b', { privileged: 'unknown' })],
      status: 'unknown',
      why: /privileged could not be determined/,
    },
    {
      name: 'privileged guests and MSP accounts are in scope; break-glass is not',
      facts: [admin('g', { kind: 'guest' }), admin('m', { mspPrincipal: true }), breakGlass('bg')],
      status: 'pass',
      coverage: [2, 2],
    },
    {
      name: 'not applicable without privileged accounts',
      facts: [identity('u'), breakGlass('bg')],
      status: 'not_applicable',
    },
  ],
  'MFA-03': [
    {
      name: 'unknown while MSP principals are not declared',
      facts: [identity('a', { mspPrincipal: 'unknown' }), unenforced('b', { mspPrincipal: 'unknown' })],
      status: 'unknown',
      reason: /^MSP principals not declared/,
    },
    {
      name: "the MSP's break-glass accounts are judged by MFA-08 instead",
      facts: [
        identity('a', { mspPrincipal: true }),
        unenforced('bg', { mspPrincipal: true, kind: 'break_glass', enforcementReason: 'excluded' }),
      ],
      status: 'pass',
    },
    {
      name: 'not applicable when declared and none reach the customer',
      facts: [identity('a'), identity('b')],
      status: 'not_applicable',
      reason: /no enabled MSP account/i,
    },
    {
      name: 'partial when MFA is only asserted by the MSP side',
      facts: [
        identity('m1', { mspPrincipal: true }),
        identity('m2', {
          mspPrincipal: true,
          kind: 'guest',
          enforcementSource: 'federated',
          enforcementReason: 'enforced_federated',
        }),
      ],
      status: 'partial',
      failing: ['m2'],
      why: /cannot be verified here/,
    },
    {
      name: 'fail when any MSP account is not forced through MFA',
      facts: [identity('m1', { mspPrincipal: true }), unenforced('m2', { mspPrincipal: true, kind: 'guest' })],
      status: 'fail',
    },
  ],
  'MFA-04': [
    {
      name: 'not applicable without guests',
      facts: [identity('a')],
      status: 'not_applicable',
      reason: /no enabled guest/i,
    },
    {
      name: 'external members such as outside collaborators count',
      facts: on(GITHUB, [identity('a'), unenforced('octo', { external: true })]),
      status: 'fail',
      failing: ['octo'],
    },
    {
      name: 'partial at 90%',
      facts: [...many(9, (s) => identity(s, { kind: 'guest' })), unenforced('z', { kind: 'guest' })],
      status: 'partial',
    },
    {
      name: 'MSP guests are judged by MFA-03 instead',
      facts: [identity('g', { kind: 'guest' }), unenforced('m', { kind: 'guest', mspPrincipal: true })],
      status: 'pass',
    },
  ],
  'MFA-05': [
    {
      name: 'partial when phishing-resistant methods are registered but not required',
      facts: [admin('a', { phishingResistantRegistered: true, phishingResistantEnforced: false })],
      status: 'partial',
      why: /registered but no policy requires it/,
    },
    {
      name: 'fail when a privileged account has no phishing-resistant method',
      facts: [admin('a', { phishingResistantRegistered: false })],
      status: 'fail',
      why: /no phishing-resistant method/,
    },
    {
      name: 'unknown when registration cannot be read',
      facts: on(GITHUB, [admin('owner', { phishingResistantRegistered: 'unknown', phishingResistantEnforced: false })]),
      status: 'unknown',
    },
    { name: 'not applicable without privileged accounts', facts: [identity('u')], status: 'not_applicable' },
  ],
};

describe.each(Object.entries(CASES))('%s', (id, cases) => {
  it.each(cases)('$name', (c) => check(id, c).then(() => undefined));
});
