import { z } from 'zod';
import { defineControl } from '../control.ts';
import { common } from '../params.ts';

const params = z.object(common).strict();

export const log10 = defineControl<z.infer<typeof params>>({
  id: 'LOG-10',
  title: 'MSP activity visible and attributable in customer-retained logs',
  requirement:
    'All MSP access to a customer uses named, individual identities (no shared admin accounts); their activity ' +
    'appears in logs the customer keeps at least as long as LOG-04 asks; and the contract gives the customer access ' +
    'to all logs about its data and services, attested within 12 months. Neither MSP activity in the customer ' +
    'store nor the contract attestation is collected yet, so this control is always unknown.',
  rationale:
    'The advisory asks customers to check that MSP accounts are used only as intended and are monitored; that is ' +
    'impossible when the MSP works through shared accounts or tools that leave no trace on the customer side.',
  remediation:
    'Give every MSP technician a named account, route MSP tools through logged sign-ins, and record in the contract ' +
    'that the customer may access all logs about its services.',
  params,
  needs: ['identity.mspPrincipal', 'attestation.log_access'],
  mappings: [
    { framework: 'aa22-131a', ref: 'Area 11', note: 'Promote transparency.' },
    { framework: 'aa22-131a', ref: 'Area 12', note: 'MSP accounts monitored and used only as intended.' },
    { framework: 'cis-v8', ref: '15.4', note: 'Service-provider contracts include security requirements.' },
    { framework: 'nist-800-53', ref: 'SA-9', note: 'External system services.' },
    { framework: 'iso-27001', ref: 'A.8.15', note: 'Logging of third-party activity.' },
  ],
  rule: {
    missing:
      'no evidence of MSP activity in customer-kept logs is collected yet: this needs the MSP sign-ins and actions ' +
      'found in the customer log store, a declaration of shared MSP accounts, and a current contract attestation ' +
      'that the customer can access all logs about its services',
  },
});
