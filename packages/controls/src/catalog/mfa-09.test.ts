import { describe, expect, it } from 'vitest';
import { ENTRA, exception, GITHUB, identity, setting } from '../testing/builders.ts';
import { type Case, check } from '../testing/check.ts';

const github = { connection: GITHUB, provider: 'github' } as const;
const insecure = (value: number | null) => setting('github.insecure_2fa_accounts', value, { ...github, scope: 'acme' });
const member = (subject: string, methods: string[] = []) =>
  identity(subject, { ...github, name: subject, methods, enforcementSource: 'org_requirement' });

const migrated = setting('entra.methods_policy_migration', 'migrationComplete');

const CASES: Case[] = [
  {
    name: 'Entra: pass only when nothing phishable is enabled and the methods policy is migrated',
    facts: [setting('entra.weak_methods', ''), migrated],
    status: 'pass',
  },
  ...(['preMigration', 'migrationInProgress', 'unknownFutureValue'] as const).map((state) => ({
    name: `Entra: unknown, never pass, in migration state ${state}: the legacy policies may offer SMS and voice`,
    facts: [setting('entra.weak_methods', ''), setting('entra.methods_policy_migration', state)],
    status: 'unknown' as const,
    reason: new RegExp(`migration state ${state} \\(not migrationComplete\\).*legacy MFA and SSPR`),
  })),
  {
    name: 'Entra: unknown when the migration state was not read',
    facts: [setting('entra.weak_methods', ''), setting('entra.methods_policy_migration', null)],
    status: 'unknown',
    reason: /could not be read/,
  },
  {
    name: 'Entra: unknown when no migration state is reported at all',
    facts: [setting('entra.weak_methods', '')],
    status: 'unknown',
  },
  {
    name: 'Entra: a phishable method the policy itself enables fails whatever the migration state',
    facts: [setting('entra.weak_methods', 'sms'), setting('entra.methods_policy_migration', 'preMigration')],
    status: 'fail',
  },
  {
    name: 'GitHub: fail listing every account with SMS as a second factor',
    facts: [insecure(2), member('1', ['sms']), member('2'), member('3', ['sms'])],
    status: 'fail',
    failing: ['1', '3'],
    reason: /^2 GitHub accounts use SMS as a second factor: 1, 3\.$/,
    why: /2fa_insecure/,
  },
  {
    name: 'GitHub: fail on the count even when the accounts themselves were not collected',
    facts: [insecure(1)],
    status: 'fail',
    reason: /1 GitHub account uses SMS/,
  },
  {
    name: 'GitHub: pass when the owner-only filter lists nobody',
    facts: [insecure(0), member('1'), member('2')],
    status: 'pass',
  },
  {
    name: 'GitHub: unknown, never pass, when the filter could not be read',
    facts: [insecure(null), member('1')],
    status: 'unknown',
    reason: /owner-only/,
  },
  {
    name: 'GitHub: not applicable without the setting (identities alone say nothing of methods)',
    facts: [member('1'), member('2')],
    status: 'not_applicable',
  },
  {
    name: 'Entra keeps its own verdict beside a GitHub one: the worst wins',
    facts: [setting('entra.weak_methods', ''), migrated, insecure(1), member('9', ['sms'])],
    status: 'fail',
    failing: ['9'],
  },
  {
    name: 'an SMS method on an Entra identity is not read as GitHub’s',
    facts: [setting('entra.weak_methods', ''), migrated, identity('e1', { methods: ['sms'] })],
    status: 'pass',
  },
  {
    name: 'a connection-wide exception covers the GitHub org',
    facts: [insecure(1), member('1', ['sms'])],
    exceptions: [exception('MFA-09', GITHUB)],
    status: 'not_applicable',
  },
];

describe('MFA-09', () => {
  it.each(CASES)('$name', (c) => check('MFA-09', c).then(() => undefined));

  it('keeps the Entra connection out of the GitHub tally', async () => {
    const r = await check('MFA-09', {
      name: 'two connections',
      facts: [setting('entra.weak_methods', 'sms'), insecure(0)],
      status: 'fail',
    });
    expect(r.failing.map((f) => f.connection)).toEqual([ENTRA]);
  });
});
