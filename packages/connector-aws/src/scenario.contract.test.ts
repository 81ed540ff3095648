import { createContext, egressPolicy } from '@evident/connector-kit';
import { type Fact, fact } from '@evident/core';
import { startSimulators } from '@evident/simulators';
import { describe, expect, it } from 'vitest';
import { awsConfig, awsSecret } from './config.ts';
import { connector } from './contract.fixture.ts';

describe('AWS in a simulated scenario', () => {
  it('hands out a connection per tenant that reads only that tenant’s accounts', async () => {
    const sims = await startSimulators({
      tenants: [
        { name: 'contoso', aws: { preset: 'healthy', accounts: ['111111111111', '222222222222'] } },
        { name: 'fabrikam', aws: { preset: 'weak' } },
      ],
    });
    try {
      const [conn] = sims.connections('fabrikam');
      expect(conn?.kind).toBe('aws');
      const ctx = createContext({
        connection: conn!.name,
        config: awsConfig.parse(conn!.config),
        secret: awsSecret.parse(conn!.secret),
        egress: egressPolicy(sims.allowedEndpoints),
      });
      const facts: Fact[] = [];
      for await (const f of connector.collect(ctx)) facts.push(fact.parse(f));
      expect(facts.filter((f) => f.type === 'gap')).toEqual([]);
      const root = facts.find((f) => f.type === 'identity' && f.roles.includes('root user'));
      expect(root).toMatchObject({ mfaRegistered: false, subject: 'arn:aws:iam::100000001001:root' });
      // contoso's external id opens none of fabrikam's accounts, nor the other way round.
      const cross = createContext({
        connection: 'cross',
        config: awsConfig.parse({ ...conn!.config, accounts: ['111111111111'] }),
        secret: awsSecret.parse(conn!.secret),
        egress: egressPolicy(sims.allowedEndpoints),
      });
      const refused: Fact[] = [];
      for await (const f of connector.collect(cross)) refused.push(f);
      expect(refused.every((f) => f.type === 'gap' && f.code === 'auth_failed')).toBe(true);
    } finally {
      await sims.close();
    }
  });
});
