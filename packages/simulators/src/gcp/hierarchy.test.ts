import { readFileSync } from 'node:fs';
import { Client, credentials } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenario } from '../scenario/schema.ts';
import { clients } from './clients.fixture.ts';
import { BUNDLED_LOGGING_PROTOS_JSON, LOGGING_PROTOS_JSON } from './protos.ts';
import { GcpScenarioError, type GcpSimulator, startGcpSimulator } from './server.ts';

const NOW = new Date('2026-11-28T12:00:00Z');
const WORLD = scenario.parse({
  now: NOW.toISOString(),
  tenants: [
    {
      name: 'contoso',
      gcp: {
        organizationId: '500',
        organizationDataAccess: 'all',
        organizationSinks: [
          {
            name: 'intercept-audit',
            destination: 'logging.googleapis.com/projects/sec-central',
            filter: 'LOG_ID("cloudaudit.googleapis.com/data_access")',
            includeChildren: true,
            interceptChildren: true,
          },
        ],
        folders: [
          { folderId: '11', dataAccess: 'partial' },
          { folderId: '12', parent: '11', newestEntries: { activity: 100 } },
        ],
        projects: [
          { projectId: 'sec-central' },
          { projectId: 'app-prod', folder: '12', newestEntries: { activity: 5, system_event: null } },
        ],
      },
    },
  ],
});

let sim: GcpSimulator;
let c: ReturnType<typeof clients>;
beforeAll(async () => {
  sim = await startGcpSimulator(WORLD);
  c = clients(sim);
});
afterAll(async () => {
  await c.close();
  await sim.close();
});

/** How long before the world's `now` an entry was written; int64 seconds arrive as text through the client. */
const hoursBefore = (seconds: unknown) => (NOW.getTime() / 1000 - Number(seconds)) / 3600;

describe('folders, and the audit configs of folders and organizations', () => {
  it('lists folders under the organization and under folders, and gets each with its parent', async () => {
    const [top] = await c.folders.listFolders({ parent: 'organizations/500' });
    expect(top.map((f) => [f.name, f.parent])).toEqual([['folders/11', 'organizations/500']]);
    const [nested] = await c.folders.listFolders({ parent: 'folders/11' });
    expect(nested.map((f) => f.name)).toEqual(['folders/12']);
    const [folder] = await c.folders.getFolder({ name: 'folders/12' });
    expect(folder).toMatchObject({ name: 'folders/12', parent: 'folders/11', state: 'ACTIVE' });
    const [projects] = await c.projects.listProjects({ parent: 'folders/12' });
    expect(projects.map((p) => [p.projectId, p.parent])).toEqual([['app-prod', 'folders/12']]);
    await expect(c.folders.getFolder({ name: 'folders/99' })).rejects.toMatchObject({ code: 7 });
  });

  it('answers the IAM audit configs of the organization and of each folder', async () => {
    const [org] = await c.organizations.getIamPolicy({ resource: 'organizations/500' });
    expect(org.auditConfigs?.map((a) => a.service)).toEqual(['allServices']);
    const [folder] = await c.folders.getIamPolicy({ resource: 'folders/11' });
    expect(folder.auditConfigs?.map((a) => a.service)).toEqual(['storage.googleapis.com', 'cloudsql.googleapis.com']);
    const [none] = await c.folders.getIamPolicy({ resource: 'folders/12' });
    expect(none.auditConfigs).toEqual([]);
  });

  it('refuses a folder in an undeclared folder, or folders without an organization', async () => {
    const bad = (gcp: object) => startGcpSimulator({ tenants: [{ name: 'x', gcp }] });
    await expect(bad({ organizationId: '1', folders: [{ folderId: '2', parent: '3' }] })).rejects.toBeInstanceOf(
      GcpScenarioError,
    );
    await expect(bad({ folders: [{ folderId: '2' }] })).rejects.toThrow(/needs an organization/);
    await expect(bad({ organizationId: '1', projects: [{ projectId: 'p', folder: '9' }] })).rejects.toThrow(
      /not declared/,
    );
  });
});

describe('intercepting sinks on the wire', () => {
  const sinksRequest = protobuf.Root.fromJSON(LOGGING_PROTOS_JSON).lookupType('google.logging.v2.ListSinksRequest');
  const bytesOfListSinks = () => {
    const raw = new Client(sim.address, credentials.createInsecure());
    const request = Buffer.from(sinksRequest.encode({ parent: 'organizations/500' }).finish());
    return new Promise<Buffer>((resolve, reject) =>
      raw.makeUnaryRequest(
        '/google.logging.v2.ConfigServiceV2/ListSinks',
        (b: Buffer) => b,
        (b: Buffer) => b,
        request,
        (err, value) => {
          raw.close();
          err || !value ? reject(err) : resolve(value);
        },
      ),
    );
  };
  const interceptOf = (json: protobuf.INamespace, bytes: Buffer) => {
    const type = protobuf.Root.fromJSON(json).lookupType('google.logging.v2.ListSinksResponse');
    const sinks = type.toObject(type.decode(bytes), { defaults: false }).sinks as Record<string, unknown>[];
    return sinks.map((s) => [s.name, s.includeChildren ?? false, s.interceptChildren]);
  };

  it('sends interceptChildren as field 10, which the protos bundled with the client and the reference drop', async () => {
    const bytes = await bytesOfListSinks();
    expect(interceptOf(LOGGING_PROTOS_JSON, bytes)).toEqual([
      ['_Default', false, undefined],
      ['_Required', false, undefined],
      ['intercept-audit', true, true],
    ]);
    // Field 10, varint: tag (10 << 3 | 0) = 0x50, then 1.
    expect(bytes.includes(Buffer.from([0x50, 0x01]))).toBe(true);
    const reference = new URL('../../../../../shared/reference/schemas/gcp-logging/protos.json', import.meta.url);
    for (const json of [BUNDLED_LOGGING_PROTOS_JSON, JSON.parse(readFileSync(reference, 'utf8'))]) {
      expect(interceptOf(json, bytes).at(-1)).toEqual(['intercept-audit', true, undefined]);
    }
  });

  it('reads as unset through the stock v2 client: gRPC drops the field silently', async () => {
    const [sinks] = await c.config.listSinks({ parent: 'organizations/500' });
    const sink = sinks.find((s) => s.name === 'intercept-audit')!;
    expect(sink.includeChildren).toBe(true);
    expect('interceptChildren' in sink && (sink as { interceptChildren?: boolean }).interceptChildren).toBeFalsy();
  });
});

describe('entries.list: the newest entry of each audit log', () => {
  const logName = (scope: string, log: string) => `${scope}/logs/cloudaudit.googleapis.com%2F${log}`;
  const newest = async (scope: string, log: string, orderBy = 'timestamp desc') => {
    const [entries] = await c.entries.listLogEntries(
      { resourceNames: [scope], filter: `logName="${logName(scope, log)}"`, orderBy, pageSize: 1 },
      { autoPaginate: false },
    );
    return entries.map((e) => [e.logName, Math.round(hoursBefore(e.timestamp?.seconds))]);
  };

  it('answers one entry, newest first when asked, oldest first otherwise', async () => {
    expect(await newest('projects/app-prod', 'activity')).toEqual([[logName('projects/app-prod', 'activity'), 5]]);
    expect(await newest('projects/app-prod', 'activity', 'timestamp asc')).toEqual([
      [logName('projects/app-prod', 'activity'), 36],
    ]);
    expect(await newest('folders/12', 'activity')).toEqual([[logName('folders/12', 'activity'), 100]]);
    expect(await newest('organizations/500', 'system_event')).toEqual([
      [logName('organizations/500', 'system_event'), 20],
    ]);
  });

  it('has no entry for a log set to none, and Data Access entries only where it is on here or above', async () => {
    expect(await newest('projects/app-prod', 'system_event')).toEqual([]);
    expect(await newest('projects/app-prod', 'data_access')).toEqual([
      [logName('projects/app-prod', 'data_access'), 1],
    ]);
    expect(await newest('folders/12', 'data_access')).toEqual([[logName('folders/12', 'data_access'), 1]]);
  });

  it('pages, and refuses filters and orders it cannot read, and resources it does not hold', async () => {
    const request = { resourceNames: ['projects/app-prod'], orderBy: 'timestamp desc', pageSize: 2 };
    const [page, next] = await c.entries.listLogEntries(request, { autoPaginate: false });
    expect([page.length, typeof next?.pageToken]).toEqual([2, 'string']);
    const bad = (req: object) => c.entries.listLogEntries({ resourceNames: ['projects/app-prod'], ...req });
    await expect(bad({ filter: 'severity>=ERROR' })).rejects.toMatchObject({ code: 3 });
    await expect(bad({ orderBy: 'insertId' })).rejects.toMatchObject({ code: 3 });
    await expect(c.entries.listLogEntries({ resourceNames: ['projects/ghost'] })).rejects.toMatchObject({ code: 7 });
    expect(sim.accounting.total({ tenant: 'contoso', endpoint: 'LoggingServiceV2.ListLogEntries' })).toBeGreaterThan(5);
  });
});
