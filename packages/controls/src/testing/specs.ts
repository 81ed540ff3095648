import type { ControlStatus, Fact, LogCategory } from '@evident/core';
import {
  admin,
  breakGlass,
  ENTRA,
  hoursBefore,
  identity,
  legacyBlock,
  logSource,
  policy,
  setting,
  unenforced,
} from './builders.ts';

/** Per control: facts that pass, and facts with one bad subject, for the checks every control must meet. */
export interface Spec {
  id: string;
  pass: Fact[];
  bad: { facts: Fact[]; status: ControlStatus; subject: string; exceptedStatus: ControlStatus };
}

const humans = [identity('u1'), identity('u2'), identity('u3')];
const admins = [admin('a1'), admin('a2')];
const strongAdmins = [
  admin('a1', { phishingResistantRegistered: true, phishingResistantEnforced: true }),
  admin('a2', { phishingResistantRegistered: true, phishingResistantEnforced: true }),
];
const msp = [identity('m1', { mspPrincipal: true }), identity('m2', { mspPrincipal: true }), identity('u1')];
const guests = [identity('g1', { kind: 'guest' }), identity('g2', { kind: 'guest' })];
const sdOff = setting('entra.security_defaults', false);
const logs = (category: LogCategory) => [logSource('l1', { category }), logSource('l2', { category })];

export const SPECS: Spec[] = [
  {
    id: 'MFA-01',
    pass: humans,
    bad: { facts: [...humans, unenforced('u-bad')], status: 'fail', subject: 'u-bad', exceptedStatus: 'pass' },
  },
  {
    id: 'MFA-02',
    pass: [...admins, unenforced('u1')],
    bad: {
      facts: [
        ...admins,
        admin('a-bad', {
          mfaEnforced: false,
          mfaRegistered: false,
          enforcementSource: 'none',
          enforcementReason: 'not_registered',
        }),
      ],
      status: 'fail',
      subject: 'a-bad',
      exceptedStatus: 'pass',
    },
  },
  {
    id: 'MFA-03',
    pass: msp,
    bad: {
      facts: [...msp, unenforced('m-bad', { mspPrincipal: true })],
      status: 'fail',
      subject: 'm-bad',
      exceptedStatus: 'pass',
    },
  },
  {
    id: 'MFA-04',
    pass: guests,
    bad: {
      facts: [...guests, unenforced('g-bad', { kind: 'guest' })],
      status: 'fail',
      subject: 'g-bad',
      exceptedStatus: 'pass',
    },
  },
  {
    id: 'MFA-05',
    pass: strongAdmins,
    bad: { facts: [...strongAdmins, admin('a-bad')], status: 'fail', subject: 'a-bad', exceptedStatus: 'pass' },
  },
  {
    id: 'MFA-06',
    pass: [legacyBlock('block-legacy', { excluded: ['bg1'] }), breakGlass('bg1'), sdOff],
    bad: {
      facts: [legacyBlock('block-legacy', { excluded: ['bg1', 'ops-group'] }), breakGlass('bg1'), sdOff],
      status: 'partial',
      subject: 'ops-group',
      exceptedStatus: 'pass',
    },
  },
  {
    id: 'MFA-07',
    pass: [policy('require-mfa', { excluded: ['bg1'] }), breakGlass('bg1'), sdOff],
    bad: {
      facts: [policy('require-mfa', { excluded: ['bg1', 'ops-group'] }), breakGlass('bg1'), sdOff],
      status: 'partial',
      subject: 'ops-group',
      exceptedStatus: 'pass',
    },
  },
  {
    id: 'MFA-08',
    pass: [policy('require-mfa', { excluded: ['bg1', 'bg2'] }), breakGlass('bg1'), breakGlass('bg2')],
    bad: {
      facts: [policy('require-mfa', { excluded: ['bg1', 'bg2', 'ops-group'] }), breakGlass('bg1'), breakGlass('bg2')],
      status: 'fail',
      subject: 'ops-group',
      exceptedStatus: 'pass',
    },
  },
  {
    id: 'MFA-09',
    pass: [setting('entra.weak_methods', ''), setting('entra.methods_policy_migration', 'migrationComplete')],
    bad: {
      facts: [setting('entra.weak_methods', 'sms,voice')],
      status: 'fail',
      subject: ENTRA,
      exceptedStatus: 'not_applicable',
    },
  },
  {
    id: 'LOG-01',
    pass: logs('admin_audit'),
    bad: {
      facts: [...logs('admin_audit'), logSource('l-bad', { enabled: false })],
      status: 'partial',
      subject: 'l-bad',
      exceptedStatus: 'pass',
    },
  },
  ...(['LOG-02', 'LOG-03', 'LOG-04'] as const).map((id) => ({
    id,
    pass: logs('sign_in'),
    bad: {
      facts: [
        ...logs('sign_in'),
        logSource('l-bad', { category: 'sign_in', nativeRetentionDays: 30, destinations: [] }),
      ],
      status: 'fail' as const,
      subject: 'l-bad',
      exceptedStatus: 'pass' as const,
    },
  })),
  {
    id: 'LOG-05',
    pass: logs('sign_in'),
    bad: {
      facts: [...logs('sign_in'), logSource('l-bad', { destinations: [] })],
      status: 'partial',
      subject: 'l-bad',
      exceptedStatus: 'pass',
    },
  },
  {
    id: 'LOG-06',
    pass: logs('admin_audit'),
    bad: {
      facts: [...logs('admin_audit'), logSource('l-bad', { locked: false, destinations: [] })],
      status: 'fail',
      subject: 'l-bad',
      exceptedStatus: 'pass',
    },
  },
  {
    id: 'LOG-07',
    pass: logs('data_access'),
    bad: {
      facts: [...logs('data_access'), logSource('l-bad', { category: 'data_access', enabled: false })],
      status: 'partial',
      subject: 'l-bad',
      exceptedStatus: 'pass',
    },
  },
  {
    id: 'LOG-09',
    pass: logs('admin_audit'),
    bad: {
      facts: [...logs('admin_audit'), logSource('l-bad', { lastEventAt: hoursBefore(100) })],
      status: 'fail',
      subject: 'l-bad',
      exceptedStatus: 'pass',
    },
  },
];
