import { readFileSync } from 'node:fs';
import { Client, credentials } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenario } from '../scenario/schema.ts';
import { AUDIT_LOG_PROTO_JSON, AUDIT_LOG_TYPE_URL } from './activity.ts';
import { type GcpSimulator, startGcpSimulator } from './server.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const WORLD = scenario.parse({
  now: new Date(NOW).toISOString(),
  tenants: [
    {
      name: 'northwind',
      gcp: {
        projects: [
          {
            projectId: 'nw-prod',
            sinks: [{ name: 'to-gcs', destination: 'storage.googleapis.com/nw-logs' }],
          },
        ],
      },
    },
  ],
});
const reference = new URL('../../../../../shared/reference/schemas/gcp-logging/protos.json', import.meta.url);
const logging = protobuf.Root.fromJSON(JSON.parse(readFileSync(reference, 'utf8')));
const auditLog = protobuf.Root.fromJSON(AUDIT_LOG_PROTO_JSON).lookupType('google.cloud.audit.AuditLog');
const ACTIVITY = 'projects/nw-prod/logs/cloudaudit.googleapis.com%2Factivity';

let clock = NOW;
let sim: GcpSimulator;
let raw: Client;
beforeAll(async () => {
  sim = await startGcpSimulator(WORLD, { now: () => clock });
  raw = new Client(sim.address, credentials.createInsecure());
});
afterAll(async () => {
  raw.close();
  await sim.close();
});

function call(path: string, type: string, request: object): Promise<Buffer> {
  const t = logging.lookupType(type);
  return new Promise((resolve, reject) =>
    raw.makeUnaryRequest(
      path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from(t.encode(t.fromObject(request)).finish()),
      (err, value) => (err || !value ? reject(err) : resolve(value)),
    ),
  );
}

async function entriesSince(ms: number) {
  const filter = `logName="${ACTIVITY}" AND timestamp>="${new Date(ms).toISOString()}"`;
  const bytes = await call(
    '/google.logging.v2.LoggingServiceV2/ListLogEntries',
    'google.logging.v2.ListLogEntriesRequest',
    {
      resourceNames: ['projects/nw-prod'],
      filter,
      orderBy: 'timestamp asc',
    },
  );
  const type = logging.lookupType('google.logging.v2.ListLogEntriesResponse');
  const message = type.decode(bytes);
  expect(type.verify(message)).toBeNull();
  expect(Buffer.from(type.encode(message).finish())).toEqual(bytes);
  return type.toObject(message, { longs: Number, enums: String, bytes: Buffer }) as {
    entries?: { insertId: string; logName: string; protoPayload?: { type_url: string; value: Buffer } }[];
  };
}

describe('the Admin Activity trail, checked against the official LogEntry proto and AuditLog field numbers', () => {
  it('a sink deleted through the test API leaves the world and shows on the log after the delay', async () => {
    sim.trail.delayMs = 60_000;
    const entry = sim.trail.deleteSink('projects/nw-prod', 'to-gcs', 'mallory@northwind.example');
    const sinks = await call('/google.logging.v2.ConfigServiceV2/ListSinks', 'google.logging.v2.ListSinksRequest', {
      parent: 'projects/nw-prod',
    });
    const listed = logging.lookupType('google.logging.v2.ListSinksResponse').decode(sinks).toJSON();
    expect((listed.sinks ?? []).map((s: { name: string }) => s.name)).not.toContain('to-gcs');

    clock += 30_000;
    expect((await entriesSince(NOW - 1000)).entries ?? []).toEqual([]);

    clock += 30_000;
    const { entries = [] } = await entriesSince(NOW - 1000);
    expect(entries.map((e) => e.insertId)).toEqual([entry.insertId]);
    const [got] = entries;

    expect(got?.logName).toBe(ACTIVITY);
    expect(got?.protoPayload?.type_url).toBe(AUDIT_LOG_TYPE_URL);
    const payload = auditLog.toObject(auditLog.decode(got!.protoPayload!.value));
    expect(payload).toEqual({
      serviceName: 'logging.googleapis.com',
      methodName: 'google.logging.v2.ConfigServiceV2.DeleteSink',
      resourceName: 'projects/nw-prod/sinks/to-gcs',
      authenticationInfo: { principalEmail: 'mallory@northwind.example' },
    });
    // Before the change, nothing; the generated entries are hours old.
    expect((await entriesSince(NOW + 1000)).entries ?? []).toEqual([]);
  });

  it('the AuditLog field numbers are Google’s (service 7, method 8, resource 11, principal 3.1)', () => {
    const bytes = auditLog.encode(
      auditLog.fromObject({ methodName: 'm', authenticationInfo: { principalEmail: 'p' } }),
    );
    // Field 3 (length 3: field 1, "p"), then field 8 ("m").
    expect(Buffer.from(bytes.finish()).toString('hex')).toBe('1a030a017042016d');
  });
});
