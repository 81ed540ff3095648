import { egressPolicy } from '@evident/connector-kit';
import { idSchema } from '@evident/core';
import {
  type PsaSimulator,
  startAutotaskSimulator,
  startConnectWiseSimulator,
  startHaloPsaSimulator,
} from '@evident/simulators/psa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChannelKind, type PsaKind, parseChannelSettings } from '../channel-settings.ts';
import { channelFor } from '../channels/index.ts';
import { deriveEvents } from '../events.ts';
import { buildMessage } from '../message.ts';
import { psaClientFor, psaLimiter, psaTicketRef, resolvePsaCompany } from './index.ts';

const tenantId = idSchema('ten').parse('ten_0000000000aaaaaaaaaaaaaaaa');
const companies = [{ id: 19, name: 'Contoso Ltd', identifier: 'Contoso' }];
const CW = {
  companyId: 'northwind',
  publicKey: 'pub',
  privateKey: 'priv',
  clientId: '0b9c2b52-4f06-4d6b-9a53-2f3e2c1f1e55',
};
const AT = { userName: 'api@northwind.example', integrationCode: 'TRACKING-ID', secret: 'at-secret' };
const HALO = { clientId: 'halo-client', clientSecret: 'halo-secret', tenant: 'northwind' };

const message = (n: number, to: 'fail' | 'partial' | 'pass', id = `alo_${n}`) => {
  const from = to === 'pass' ? 'fail' : 'pass';
  const [event] = deriveEvents({
    tenantId,
    runId: idSchema('run').parse(`run_000000000${n}bbbbbbbbbbbbbbbb`),
    previousRunId: idSchema('run').parse('run_0000000000bbbbbbbbbbbbbbbb'),
    before: new Map([['MFA-01', from]]),
    after: [{ controlId: 'MFA-01', status: to, reason: `MFA-01 is ${to}`, evaluatedAt: '2026-12-01T10:00:00Z' }],
  });
  return buildMessage(event!, {
    deliveryId: id,
    organization: { id: 'org_x', name: 'Northwind MSP' },
    tenant: { id: tenantId, name: 'Contoso' },
    publicOrigin: 'https://evident.example.com',
  });
};

const sims = {} as Record<PsaKind, PsaSimulator>;
let policy: ReturnType<typeof egressPolicy>;
beforeAll(async () => {
  sims.connectwise = await startConnectWiseSimulator({ ...CW, companies });
  sims.autotask = await startAutotaskSimulator({ ...AT, companies });
  sims.halopsa = await startHaloPsaSimulator({ ...HALO, companies });
  policy = egressPolicy(
    Object.values(sims)
      .map((s) => new URL(s.origin).host)
      .join(','),
  );
});
afterAll(async () => {
  for (const s of Object.values(sims)) await s?.close();
});

const settingsOf = (kind: PsaKind, close = true, secretOverride?: object) => {
  const o = sims[kind].origin;
  const input = {
    connectwise: {
      config: {
        site: o,
        companyId: CW.companyId,
        publicKey: CW.publicKey,
        boardId: 1,
        closedStatusId: 6,
        closeOnRecovery: close,
      },
      secret: { privateKey: CW.privateKey, clientId: CW.clientId },
    },
    autotask: {
      config: { zoneLookup: `${o}/atservicesrest`, userName: AT.userName, closeOnRecovery: close },
      secret: { integrationCode: AT.integrationCode, secret: AT.secret },
    },
    halopsa: {
      config: {
        authServer: `${o}/auth`,
        resourceServer: o,
        tenant: HALO.tenant,
        clientId: HALO.clientId,
        closeOnRecovery: close,
      },
      secret: { clientSecret: HALO.clientSecret },
    },
  }[kind];
  return parseChannelSettings(policy, { kind, config: input.config, secret: secretOverride ?? input.secret }) as {
    kind: ChannelKind & PsaKind;
    config: unknown;
    secret: unknown;
  };
};

describe.each(['connectwise', 'autotask', 'halopsa'] as const)('%s tickets', (kind) => {
  const ref = psaTicketRef(`ach_${kind}`, tenantId, 'MFA-01');
  const psa = { companyId: '19', ref };
  const mine = () => sims[kind].tickets().filter((t) => t.summary.includes(ref));

  it('checks the tenant company against the PSA and refuses an unknown one', async () => {
    const client = psaClientFor(policy, settingsOf(kind));
    await expect(resolvePsaCompany(client, kind === 'connectwise' ? 'Contoso' : '19')).resolves.toEqual({
      id: '19',
      name: 'Contoso Ltd',
    });
    await expect(resolvePsaCompany(client, '404')).rejects.toThrow(`${kind} has no company "404"`);
  });

  it('opens one ticket, notes a later change once, and a recovery notes and closes it', async () => {
    const channel = channelFor(policy, settingsOf(kind));
    const first = message(1, 'fail');
    await expect(channel.send({ message: first, idempotencyKey: 'alo_1', psa })).resolves.toMatchObject({
      action: 'opened',
    });
    // The same delivery again (a crash before it was recorded): the PSA is asked first, nothing is made twice.
    await expect(channel.send({ message: first, idempotencyKey: 'alo_1', psa })).resolves.toMatchObject({
      action: 'noted',
    });
    expect(mine()).toHaveLength(1);
    const later = message(2, 'partial');
    await channel.send({ message: later, idempotencyKey: 'alo_2', psa });
    await channel.send({ message: later, idempotencyKey: 'alo_2', psa });
    const [open] = mine();
    expect(open).toMatchObject({ companyId: 19, closed: false });
    expect(open!.description + open!.notes.map((n) => n.text).join()).toContain('Evident delivery alo_1');
    expect(open!.notes.filter((n) => n.text.includes('Evident delivery alo_2'))).toHaveLength(1);
    if (kind !== 'halopsa') expect(open!.externalRef).toBe(ref);

    const recovered = message(3, 'pass');
    await expect(channel.send({ message: recovered, idempotencyKey: 'alo_3', psa })).resolves.toMatchObject({
      action: 'closed',
      ticketId: String(open!.id),
    });
    await expect(channel.send({ message: recovered, idempotencyKey: 'alo_3', psa })).resolves.toMatchObject({
      action: 'none',
    });
    const [closed] = mine();
    expect(closed!.closed).toBe(true);
    expect(closed!.notes.filter((n) => n.text.includes('passes again'))).toHaveLength(1);

    // A new regression after the close opens a new ticket.
    await channel.send({ message: message(4, 'fail'), idempotencyKey: 'alo_4', psa });
    expect(mine().map((t) => t.closed)).toEqual([true, false]);
  });

  it('leaves the ticket open on recovery when the channel says so', async () => {
    const channel = channelFor(policy, settingsOf(kind, false));
    const other = { companyId: '19', ref: psaTicketRef(`ach_${kind}_open`, tenantId, 'MFA-01') };
    await channel.send({ message: message(5, 'fail'), idempotencyKey: 'alo_5', psa: other });
    await expect(
      channel.send({ message: message(6, 'pass'), idempotencyKey: 'alo_6', psa: other }),
    ).resolves.toMatchObject({ action: 'noted' });
    const t = sims[kind].tickets().find((x) => x.summary.includes(other.ref));
    expect(t).toMatchObject({ closed: false });
  });

  it('fails permanently on wrong credentials and retryably on 429 or 500, creating nothing', async () => {
    const before = sims[kind].tickets().length;
    const wrong = {
      connectwise: { privateKey: 'nope', clientId: CW.clientId },
      autotask: { integrationCode: AT.integrationCode, secret: 'nope' },
      halopsa: { clientSecret: 'nope' },
    }[kind];
    const bad = channelFor(policy, settingsOf(kind, true, wrong));
    const other = { companyId: '19', ref: psaTicketRef('ach_other', tenantId, 'MFA-02') };
    await expect(bad.send({ message: message(7, 'fail'), idempotencyKey: 'alo_7', psa: other })).rejects.toMatchObject({
      permanent: true,
      message: expect.stringContaining('401'),
    });
    const good = channelFor(policy, settingsOf(kind));
    sims[kind].failNext(429);
    await expect(good.send({ message: message(7, 'fail'), idempotencyKey: 'alo_7', psa: other })).rejects.toMatchObject(
      { permanent: false },
    );
    sims[kind].failNext(500);
    await expect(good.send({ message: message(7, 'fail'), idempotencyKey: 'alo_7', psa: other })).rejects.toMatchObject(
      { permanent: false },
    );
    expect(sims[kind].tickets()).toHaveLength(before);
    await expect(good.send({ message: message(7, 'fail'), idempotencyKey: 'alo_7', psa })).resolves.toBeDefined();
  });
});

describe('PSA rate limits', () => {
  it("spaces one account's ConnectWise calls a second apart (60 a minute)", async () => {
    const limiter = psaLimiter('connectwise', 'a limiter of its own');
    const started: number[] = [];
    await Promise.all([1, 2, 3].map(() => limiter.schedule(async () => started.push(Date.now()))));
    expect(started[2]! - started[0]!).toBeGreaterThanOrEqual(1_900);
  });
});

describe('PSA channel settings', () => {
  it('refuses a PSA address the egress policy keeps out, and a delivery without a company', async () => {
    const none = egressPolicy(undefined);
    expect(() =>
      parseChannelSettings(none, {
        kind: 'halopsa',
        config: { authServer: 'http://127.0.0.1:9/auth', resourceServer: 'https://halo.example.com', clientId: 'x' },
        secret: { clientSecret: 'y' },
      }),
    ).toThrow(/config.authServer|loopback/);
    const channel = channelFor(policy, settingsOf('halopsa'));
    await expect(channel.send({ message: message(8, 'fail'), idempotencyKey: 'alo_8' })).rejects.toMatchObject({
      permanent: true,
    });
  });
});
