import { Client, credentials } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenario } from '../scenario/schema.ts';
import { LOGGING_PROTOS_JSON, RESOURCE_MANAGER_PROTOS_JSON } from './protos.ts';
import { type GcpSimulator, startGcpSimulator } from './server.ts';
import { gcpWorldView } from './world-view.ts';

const WORLD = scenario.parse({
  tenants: [
    {
      name: 'northwind',
      gcp: {
        organizationId: '42',
        organizationSinks: [
          {
            name: 'org-audit',
            destination: 'bigquery.googleapis.com/projects/sec/datasets/audit',
            includeChildren: true,
          },
        ],
        projects: [
          {
            projectId: 'nw-prod',
            dataAccess: 'all',
            dataAccessExemptions: ['user:a@northwind.example'],
            buckets: [{ id: 'keep', retentionDays: 365, locked: true }],
            sinks: [{ name: 'to-gcs', destination: 'storage.googleapis.com/nw-logs', disabled: true }],
          },
        ],
      },
    },
  ],
});
const truth = gcpWorldView(WORLD.tenants[0]!.gcp!, WORLD.seed);
const logging = protobuf.Root.fromJSON(LOGGING_PROTOS_JSON);
const resourceManager = protobuf.Root.fromJSON(RESOURCE_MANAGER_PROTOS_JSON);

let sim: GcpSimulator;
let raw: Client;
beforeAll(async () => {
  sim = await startGcpSimulator(WORLD);
  raw = new Client(sim.address, credentials.createInsecure());
});
afterAll(async () => {
  raw.close();
  await sim.close();
});

/** Calls a method with bytes in and bytes out, so the test sees exactly what the server put on the wire. */
function call(path: string, request: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    raw.makeUnaryRequest(
      path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from(request),
      (err, value) => (err || !value ? reject(err) : resolve(value)),
    ),
  );
}

/** Decodes with the official message type, verifies it, and checks that re-encoding reproduces the bytes exactly. */
function decodeStrict(type: protobuf.Type, bytes: Buffer) {
  const message = type.decode(bytes);
  expect(type.verify(message)).toBeNull();
  expect(Buffer.from(type.encode(message).finish())).toEqual(bytes);
  return type.toObject(message, { enums: String, longs: Number, bytes: Buffer, defaults: false });
}

const CASES = [
  {
    path: '/google.logging.v2.ConfigServiceV2/ListBuckets',
    root: logging,
    request: ['google.logging.v2.ListBucketsRequest', { parent: 'projects/nw-prod/locations/-' }],
    response: 'google.logging.v2.ListBucketsResponse',
    expected: { buckets: truth.find('projects/nw-prod')!.buckets },
  },
  {
    path: '/google.logging.v2.ConfigServiceV2/ListSinks',
    root: logging,
    request: ['google.logging.v2.ListSinksRequest', { parent: 'organizations/42' }],
    response: 'google.logging.v2.ListSinksResponse',
    expected: { sinks: truth.find('organizations/42')!.sinks },
  },
  {
    path: '/google.cloud.resourcemanager.v3.Projects/GetIamPolicy',
    root: resourceManager,
    request: ['google.iam.v1.GetIamPolicyRequest', { resource: 'projects/nw-prod' }],
    response: 'google.iam.v1.Policy',
    expected: truth.find('projects/nw-prod')!.policy,
  },
] as const;

/** Drops empty strings, false and empty lists, as proto3 does on the wire. */
function proto3(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map(proto3);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, proto3(v)] as const);
    return Object.fromEntries(entries.filter(([, v]) => v !== undefined && v !== '' && v !== false && v !== 0));
  }
  return value;
}

describe('what the gRPC server sends, checked against the official protos', () => {
  it.each(CASES)('$path sends a valid $response that round-trips and matches the world', async (c) => {
    const requestType = c.root.lookupType(c.request[0]);
    const bytes = await call(c.path, requestType.encode(requestType.fromObject(c.request[1])).finish());
    const decoded = decodeStrict(c.root.lookupType(c.response), bytes);
    expect(decoded).toEqual(proto3(c.expected));
  });

  it('the checks bite: wrong field types fail verify, and foreign bytes do not decode as a bucket list', () => {
    const buckets = logging.lookupType('google.logging.v2.ListBucketsResponse');
    expect(buckets.verify({ buckets: [{ name: 'b', retentionDays: 'forty' }] })).toMatch(
      /retentionDays: integer expected/,
    );
    expect(buckets.verify({ buckets: [{ lifecycleState: 99 }] })).toMatch(/lifecycleState: enum value expected/);
    const policy = resourceManager.lookupType('google.iam.v1.Policy');
    expect(policy.verify({ auditConfigs: [{ auditLogConfigs: [{ logType: 7 }] }] })).toMatch(
      /logType: enum value expected/,
    );
    expect(() => buckets.decode(Buffer.from([0x0a, 0xff, 0xff, 0x01]))).toThrow();
  });
});
