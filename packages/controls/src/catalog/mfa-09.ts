import type { SettingFact } from '@evident/core';
import { z } from 'zod';
import { connectionOutcome, type Finding } from '../connection-outcome.ts';
import { defineControl } from '../control.ts';
import { common } from '../params.ts';
import { LatestSettings, SETTING } from '../settings.ts';

const params = z.object(common).strict();

function judge(setting: SettingFact | undefined): Finding {
  if (typeof setting?.value !== 'string') {
    return { grade: 'unknown', reason: 'which authentication methods are enabled could not be read' };
  }
  const methods = setting.value
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m.length > 0)
    .sort();
  if (methods.length === 0) {
    return { grade: 'compliant', reason: 'no phishable method (SMS, voice call, email one-time passcode) is enabled' };
  }
  return {
    grade: 'failing',
    reason: `${methods.length === 1 ? 'a phishable method is' : 'phishable methods are'} enabled for sign-in: ${methods.join(', ')}`,
  };
}

export const mfa09 = defineControl<z.infer<typeof params>>({
  id: 'MFA-09',
  title: 'Phishable MFA methods (SMS, voice, email codes) disabled',
  requirement:
    'The tenant must not allow SMS, voice-call or email one-time passcodes as authentication methods (the setting ' +
    '`entra.weak_methods` lists the enabled ones and must be empty). Evaluated per connection that reports the ' +
    'setting; others are not applicable.',
  rationale:
    'SMS and voice codes can be intercepted through SIM swaps and relayed by phishing kits; while they are allowed, ' +
    'an attacker can choose the weakest method any user registered.',
  remediation:
    'In the authentication methods policy, disable SMS, Voice call and Email OTP once users have moved to the ' +
    'Authenticator app, passkeys or FIDO2 keys.',
  params,
  needs: ['setting.entra.weak_methods'],
  mappings: [
    {
      framework: 'scuba-entra',
      ref: 'MS.AAD.3.5v2',
      note: 'SMS, Voice Call and Email OTP SHALL be disabled.',
    },
    { framework: 'essential-eight', ref: 'ISM-1682', note: 'ML2: phishing-resistant MFA; phone codes are not.' },
    { framework: 'iso-27001', ref: 'A.8.5', note: 'Secure authentication.' },
  ],
  rule: {
    accepts: ['setting'],
    reducer(ctx) {
      const settings = new LatestSettings([SETTING.weakMethods]);
      return {
        add: (f) => f.type === 'setting' && settings.add(f),
        finish: () => connectionOutcome(ctx, 'phishable MFA methods', judge(settings.get(SETTING.weakMethods))),
      };
    },
  },
});
