import type { Fact } from '@evident/core';
import { describe, it } from 'vitest';
import { admin, breakGlass, ENTRA, exception, GITHUB, gap, identity, on, unenforced } from '../testing/builders.ts';
import { type Case, check } from '../testing/check.ts';

const many = (n: number, make: (s: string) => Fact, prefix = 'u') =>
  Array.from({ length: n }, (_, i) => make(`${prefix}${String(i).padStart(2, '0')}`));
const unknownMfa = (s: string) =>
  identity(s, { mfaEnforced: 'unknown', enforcementSource: 'unknown', enforcementReason: 'unknown' });

const CASES: Record<string, Case[]> = {
  'MFA-01': [
    {
      name: 'security defaults challenge users only when necessary: no plain pass, and the reason says so',
      facts: [
        admin('a', { enforcementSource: 'security_defaults', enforcementReason: 'enforced_security_defaults' }),
        unenforced('u', { enforcementSource: 'security_defaults', enforcementReason: 'security_defaults_risk_based' }),
      ],
      status: 'fail',
      reason: /1 is challenged only when Entra judges it necessary \(security defaults\)/,
    },
    {
      name: 'per-user enforcement is partial, never a pass: its trusted IPs, remembered devices and app passwords are unseen',
      facts: [
        ...many(9, identity),
        identity('p', { enforcementSource: 'per_user', enforcementReason: 'enforced_per_user', mfaEnforced: true }),
      ],
      status: 'partial',
      reason: /enforced only per user/,
      failing: ['p'],
      why: /trusted IPs, remembered devices and app passwords/,
    },
    {
      name: 'a tenant enforced only per user is partial, never a pass',
      facts: [identity('p', { enforcementSource: 'per_user', enforcementReason: 'enforced_per_user' })],
      status: 'partial',
      reason: /0 of 1 human user is forced through MFA \(0%\); 1 is enforced only per user/,
      why: /per-user setting/,
    },
    {
      name: 'per-user enforcement counts toward the band, but an unenforced account below it still fails',
      facts: [
        ...many(4, identity),
        identity('p', { enforcementSource: 'per_user', enforcementReason: 'enforced_per_user' }),
        ...many(5, unenforced, 'z'),
      ],
      status: 'fail',
    },
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
      name: 'fail when the rest is only registered, exactly as MFA-01 judges it',
      facts: [admin('a'), unenforced('b', { privileged: true })],
      status: 'fail',
      failing: ['b'],
      why: /a method is registered, but nothing forces its use/,
    },
    {
      name: 'a registration report gap does not unsettle enforcement already established',
      facts: [
        admin('a', { mfaRegistered: 'unknown' }),
        admin('b', {
          mfaRegistered: 'unknown',
          enforcementSource: 'security_defaults',
          enforcementReason: 'enforced_security_defaults',
        }),
        gap(['identity.mfaRegistered', 'identity.methods', 'identity.phishingResistantRegistered'], {
          code: 'licence_required',
        }),
      ],
      status: 'pass',
    },
    {
      name: 'without the registration report an unenforced admin still fails, and says registration is unknown',
      facts: [
        admin('a'),
        unenforced('b', { privileged: true, mfaRegistered: 'unknown', enforcementReason: 'unknown' }),
        gap(['identity.mfaRegistered'], { code: 'licence_required' }),
      ],
      status: 'fail',
      why: /registered is unknown/,
    },
    {
      name: 'security defaults do not cover a privileged role outside their documented list',
      facts: [
        admin('a', { enforcementSource: 'security_defaults', enforcementReason: 'enforced_security_defaults' }),
        unenforced('intune', {
          privileged: true,
          enforcementSource: 'security_defaults',
          enforcementReason: 'security_defaults_risk_based',
        }),
      ],
      status: 'fail',
      failing: ['intune'],
      why: /only when Entra judges it necessary/,
    },
    {
      name: 'eligible holders are privileged and named as such',
      facts: [admin('a'), unenforced('e', { privileged: true, eligible: true })],
      status: 'fail',
      why: /eligible, through PIM/,
    },
    {
      name: 'role definitions unread: the documented list stood in, and the reason says so',
      facts: [admin('a'), gap(['identity.privileged.definitions'], { code: 'permission_missing', message: 'refused' })],
      status: 'pass',
      reason: /documented list, as the tenant's role definitions could not be read: refused/,
    },
    {
      name: 'an eligible-only holder whose every activation demands MFA (PIM) is forced through MFA',
      facts: [admin('a'), unenforced('e', { privileged: true, eligible: true, activationMfa: true })],
      status: 'pass',
    },
    {
      name: 'an eligible-only holder whose activation rules could not be read: never a pass',
      facts: [
        admin('a'),
        unenforced('e', {
          privileged: true,
          eligible: true,
          activationMfa: 'unknown',
          activationDetail: "PIM's activation rules could not be read",
        }),
      ],
      status: 'unknown',
      why: /activation: PIM's activation rules could not be read/,
    },
    {
      name: 'an eligible-only holder whose activation asks no MFA fails, saying so',
      facts: [
        admin('a'),
        unenforced('e', {
          privileged: true,
          eligible: true,
          activationMfa: false,
          activationDetail: 'Exchange Administrator: PIM does not require MFA on activation',
        }),
      ],
      status: 'fail',
      why: /PIM does not require MFA on activation/,
    },
    {
      name: 'eligibility unreadable for want of a licence: the verdict stands and the reason says what was not seen',
      facts: [admin('a'), gap(['identity.eligible'], { code: 'licence_required', message: 'PIM needs Entra ID P2' })],
      status: 'pass',
      reason: /eligible \(PIM\) role holders could not be read: PIM needs Entra ID P2/,
    },
    {
      name: 'eligibility unreadable for another reason: no pass',
      facts: [admin('a'), gap(['identity.eligible'], { code: 'permission_missing', message: 'refused' })],
      status: 'unknown',
      reason: /eligible \(PIM\) role holders could not be read: refused/,
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
      reason: /1 is not forced through MFA/,
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
