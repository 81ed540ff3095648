import { z } from 'zod';
import { defineControl } from '../control.ts';
import { common } from '../params.ts';

const params = z.object(common).strict();

export const log08 = defineControl<z.infer<typeof params>>({
  id: 'LOG-08',
  title: 'Alerting on critical identity and logging events',
  requirement:
    'Enabled detections, routed to a monitored destination, exist for: break-glass sign-in; privileged role ' +
    'assignment or activation; MFA or sign-in policy removed or changed; logging disabled or changed; repeated ' +
    'failed authentication on MSP accounts; new federation, delegated-admin or external trusts. Each fired or was ' +
    'tested within 90 days. No connector collects alert rules yet, so this control is always unknown.',
  rationale:
    'Logs nobody looks at do not stop an intrusion; these are the events that should wake someone up, and the ones ' +
    'attackers trigger first.',
  remediation:
    'Create alert rules for the six event classes in the SIEM, Azure Monitor or Google Cloud alerting, route them ' +
    'to a monitored channel and test each one at least every 90 days.',
  params,
  needs: ['alertRule'],
  mappings: [
    { framework: 'nist-800-53', ref: 'AU-6', note: 'Audit record review, analysis and reporting.' },
    { framework: 'nist-800-53', ref: 'AU-9', note: 'Alert on unauthorized changes to audit information.' },
    { framework: 'cis-v8', ref: '8.11', note: 'Conduct audit log reviews.' },
    { framework: 'iso-27001', ref: 'A.8.16', note: 'Monitoring activities.' },
    { framework: 'essential-eight', ref: 'ISM-1906', note: 'ML2: event logs analysed in a timely manner.' },
    { framework: 'scuba-entra', ref: 'MS.AAD.7.7v1', note: 'Privileged role assignments SHALL trigger an alert.' },
    { framework: 'scuba-entra', ref: 'MS.AAD.7.8v1', note: 'Global Administrator activation SHALL trigger an alert.' },
    { framework: 'aa22-131a', ref: 'Tactical action 2', note: 'Watch MSP accounts for failed authentication.' },
  ],
  rule: {
    missing:
      'no alert-rule evidence is collected yet: this needs the alert rules of a SIEM, Azure Monitor or Google Cloud ' +
      'alerting (or an attestation) covering break-glass sign-in, privileged role changes, MFA and policy changes, ' +
      'logging changes, failed MSP sign-ins and new trusts, each fired or tested within 90 days',
  },
});
