import { describe, it } from 'vitest';
import {
  breakGlass,
  ENTRA,
  exception,
  GITHUB,
  identity,
  legacyBlock,
  on,
  policy,
  setting,
  unenforced,
} from '../testing/builders.ts';
import { type Case, check } from '../testing/check.ts';

const sdOff = setting('entra.security_defaults', false);

const CASES: Record<string, Case[]> = {
  'MFA-06': [
    { name: 'pass with security defaults', facts: [setting('entra.security_defaults', true)], status: 'pass' },
    {
      name: 'pass sparing only declared break-glass accounts',
      facts: [legacyBlock('block', { excluded: ['BG1@contoso.example'] }), breakGlass('bg1'), sdOff],
      status: 'pass',
      coverage: [1, 1],
      reason: /sparing only 1 break-glass account/,
    },
    {
      name: 'partial when the block is report-only',
      facts: [legacyBlock('block', { state: 'report_only' }), sdOff],
      status: 'partial',
      reason: /report-only/,
    },
    {
      name: 'partial when the block covers only some users or conditions',
      facts: [legacyBlock('block', { allUsers: false, conditions: ['untrusted locations'] }), sdOff],
      status: 'partial',
      reason: /only selected users, only when: untrusted locations/,
    },
    {
      name: 'fail when nothing blocks legacy authentication',
      facts: [policy('require-mfa'), legacyBlock('off', { state: 'off' }), sdOff],
      status: 'fail',
      failing: [ENTRA],
      reason: /security defaults are off/,
    },
    {
      name: 'unknown when security defaults could not be read',
      facts: [policy('require-mfa'), setting('entra.security_defaults', null)],
      status: 'unknown',
    },
    {
      name: 'not applicable where no sign-in policy is reported',
      facts: on(GITHUB, [identity('octo')]),
      status: 'not_applicable',
    },
    {
      name: 'a connection-wide exception makes it not applicable',
      facts: [sdOff],
      exceptions: [exception('MFA-06', ENTRA)],
      status: 'not_applicable',
      excepted: [ENTRA],
      reason: /excepted until/,
    },
  ],
  'MFA-07': [
    {
      name: 'a policy limited to browser sign-ins does not cover everyone, as the per-user resolver reads it',
      facts: [policy('browser-only', { clientAppTypes: ['browser'] }), sdOff],
      status: 'partial',
      reason: /only client apps browser/,
    },
    {
      name: 'a policy for every modern client (or all) covers everyone',
      facts: [policy('modern', { clientAppTypes: ['browser', 'mobileAppsAndDesktopClients'] }), sdOff],
      status: 'pass',
    },
    ...(['GuestsOrExternalUsers', 'guests:internalGuest'] as const).map((excluded) => ({
      name: `guests excluded (${excluded}): no pass, however the exclusion is spelled`,
      facts: [policy('all-but-guests', { excluded: [excluded] }), sdOff],
      status: 'partial' as const,
      reason: /excludes principals that are not declared/,
    })),
    {
      name: 'a role exclusion held by eligible holders is an undeclared exclusion',
      facts: [policy('all-but-helpdesk', { excluded: ['eligible-helpdesk-id'] }), sdOff],
      status: 'partial',
      failing: ['eligible-helpdesk-id'],
    },
    { name: 'pass with security defaults', facts: [setting('entra.security_defaults', true)], status: 'pass' },
    {
      name: 'pass when the GitHub organization requires 2FA',
      facts: on(GITHUB, [setting('github.two_factor_requirement', true), identity('octo')]),
      status: 'pass',
    },
    {
      name: 'fail when the GitHub organization does not',
      facts: on(GITHUB, [setting('github.two_factor_requirement', false)]),
      status: 'fail',
    },
    {
      name: 'unknown when GitHub did not say',
      facts: on(GITHUB, [setting('github.two_factor_requirement', null)]),
      status: 'unknown',
      reason: /could not be read/,
    },
    {
      name: 'partial when the only policy targets admins',
      facts: [policy('admins', { allUsers: false }), sdOff],
      status: 'partial',
      failing: ['admins'],
      reason: /requires MFA only selected users/,
    },
    {
      name: 'partial when the all-users policy is report-only',
      facts: [policy('all', { state: 'report_only' }), sdOff],
      status: 'partial',
      reason: /report-only/,
    },
    {
      name: 'partial when users rely on per-user MFA',
      facts: [identity('a', { enforcementSource: 'per_user', enforcementReason: 'enforced_per_user' }), sdOff],
      status: 'partial',
      reason: /1 user relies on per-user MFA/,
    },
    {
      name: 'fail with registration only',
      facts: [unenforced('a'), legacyBlock('block'), sdOff],
      status: 'fail',
      reason: /registration alone does not/,
    },
    { name: 'unknown with identities but no policy or setting', facts: [identity('a')], status: 'unknown' },
  ],
  'MFA-08': [
    {
      name: 'guests excluded as a user value or by guest type: the same undeclared exclusion fails',
      facts: [
        breakGlass('bg1'),
        breakGlass('bg2'),
        policy('by-value', { excluded: ['GuestsOrExternalUsers'] }),
        policy('by-type', { excluded: ['GuestsOrExternalUsers'] }),
      ],
      status: 'fail',
      failing: ['GuestsOrExternalUsers'],
    },
    {
      name: 'partial with fewer break-glass accounts than the minimum',
      facts: [policy('mfa', { excluded: ['bg1'] }), breakGlass('bg1')],
      status: 'partial',
      reason: /only 1 enabled break-glass account is declared, fewer than 2/i,
    },
    {
      name: 'pass when the minimum is lowered',
      facts: [policy('mfa', { excluded: ['bg1'] }), breakGlass('bg1')],
      params: { minBreakGlass: 1 },
      status: 'pass',
    },
    {
      name: 'partial when a break-glass account lacks a phishing-resistant credential',
      facts: [breakGlass('bg1'), breakGlass('bg2', { phishingResistantRegistered: false }), policy('mfa')],
      status: 'partial',
      failing: ['bg2'],
    },
    {
      name: 'fail on an undeclared group exclusion, naming the policies',
      facts: [
        breakGlass('bg1'),
        breakGlass('bg2'),
        policy('a', { excluded: ['travel'] }),
        policy('b', { state: 'report_only', excluded: ['travel'] }),
      ],
      status: 'fail',
      failing: ['travel'],
      why: /policy 'a', policy 'b'/,
    },
    {
      name: 'exclusions from switched-off or non-MFA policies do not count',
      facts: [
        breakGlass('bg1'),
        breakGlass('bg2'),
        policy('a', { state: 'off', excluded: ['x'] }),
        legacyBlock('b', { excluded: ['y'] }),
      ],
      status: 'pass',
    },
    {
      name: 'unknown without any declared break-glass account',
      facts: [policy('mfa')],
      status: 'unknown',
      reason: /no enabled break-glass account is declared/i,
    },
    {
      name: 'a disabled break-glass account declares but does not count',
      facts: [policy('mfa', { excluded: ['bg1'] }), breakGlass('bg1', { enabled: false })],
      status: 'unknown',
    },
  ],
  'MFA-09': [
    {
      name: 'fail naming the enabled methods',
      facts: [setting('entra.weak_methods', 'voice, sms')],
      status: 'fail',
      reason: /^Phishable methods are enabled for sign-in: sms, voice\.$/,
    },
    { name: 'unknown when unreadable', facts: [setting('entra.weak_methods', null)], status: 'unknown' },
    { name: 'not applicable without the setting', facts: [setting('entra.licence', 'p1')], status: 'not_applicable' },
  ],
};

describe.each(Object.entries(CASES))('%s', (id, cases) => {
  it.each(cases)('$name', (c) => check(id, c).then(() => undefined));
});
