import type { IdentityFact } from '@evident/core';
import { expect, it } from 'vitest';
import { createEntraConnector } from './connector.ts';
import { contextFor, FAST, NOW, scenarioOf, startWorld } from './contract.fixture.ts';
import { ENFORCEMENT, expectedIdentity } from './truth.fixture.ts';

const REPORT = '/v1.0/reports/authenticationMethods/userRegistrationDetails';

it('huge: 305,000 identities streamed at 999 a page, each as the world has it', async () => {
  const w = await startWorld(scenarioOf('huge'));
  try {
    const ctx = contextFor(w);
    const rule = ENFORCEMENT.huge!;
    let j = 0;
    let other = 0;
    let pim = 0;
    for await (const f of createEntraConnector(FAST).collect(ctx)) {
      // P1 has no PIM: eligibility is a licence gap, and only that.
      if (f.type === 'gap' && f.code === 'licence_required' && f.covers.join() === 'identity.eligible') {
        pim++;
        continue;
      }
      if (f.type !== 'identity') {
        other++;
        expect(f.type, JSON.stringify(f)).not.toBe('gap');
        continue;
      }
      // The report lists enabled users in directory order, so the j-th identity is the j-th row of the truth.
      const { connection, provider, observedAt, source, enforcementDetail, ...got } = f as IdentityFact;
      const u = w.dir.registeredUser(j++);
      if (got.subject !== u.id || got.enforcementReason !== rule.reason(u, w.dir) || j % 997 === 0)
        expect(got, u.userPrincipalName).toEqual(expectedIdentity(u, w.dir, w.config, rule));
      expect(observedAt).toBe(NOW);
    }
    expect(j).toBe(w.dir.counts.registrationDetails);
    expect(pim).toBe(1);
    // Five settings (the methods policy gives two), the policies, four logs.
    expect(other).toBe(5 + w.dir.conditionalAccessPolicies.length + 4);
    const report = w.sims.accounting.snapshot().requests.find((r) => r.endpoint === REPORT)!;
    expect(report.served).toBe(Math.ceil(j / 999));
    // Real limits stay on: whatever throttling the pace met was waited out and counted.
    expect(ctx.updates.at(-1)?.throttleWaits).toBe(w.sims.accounting.snapshot().throttles.length);
  } finally {
    await w.close();
  }
}, 240_000);
