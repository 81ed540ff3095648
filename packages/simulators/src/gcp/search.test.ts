import { generateKeyPairSync } from 'node:crypto';
import { JWT } from 'google-auth-library';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenario } from '../scenario/schema.ts';
import { clients } from './clients.fixture.ts';
import { RESOURCE_MANAGER_PROTOS_JSON } from './protos.ts';
import { folderMessage, projectMessage } from './rpcs.ts';
import { organizationMessage } from './search.ts';
import { type GcpSimulator, startGcpSimulator } from './server.ts';
import { gcpWorldView } from './world-view.ts';

const WORLD = scenario.parse({
  tenants: [
    {
      name: 'contoso',
      gcp: {
        organizationId: '500',
        organizationDomain: 'contoso.example',
        folders: [{ folderId: '11' }, { folderId: '12', parent: '11', state: 'DELETE_REQUESTED' }],
        projects: [{ projectId: 'sec-central' }, { projectId: 'app-prod', folder: '11' }],
      },
    },
    {
      name: 'fabrikam',
      gcp: { projects: [{ projectId: 'fab-web' }, { projectId: 'fab-old', state: 'DELETE_REQUESTED' }] },
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

const rm = protobuf.Root.fromJSON(RESOURCE_MANAGER_PROTOS_JSON);
/** Fields the message sets that its proto does not declare: the client would drop them silently. */
function undeclared(type: string, message: object): string[] {
  const fields = rm.lookupType(`google.cloud.resourcemanager.v3.${type}`).fields;
  return Object.entries(message)
    .filter(([k, v]) => v !== null && v !== undefined && !(k in fields))
    .map(([k]) => k);
}

describe('Resource Manager v3 searches, through @google-cloud/resource-manager', () => {
  it('finds every project of every tenant, shut-down ones with their state, paged', async () => {
    const [first, next, response] = await c.projects.searchProjects({ pageSize: 3 }, { autoPaginate: false });
    expect(first).toHaveLength(3);
    expect(response?.nextPageToken).toBeTruthy();
    const all = [];
    for await (const p of c.projects.searchProjectsAsync({ pageSize: 2 })) all.push(p);
    expect(all.map((p) => [p.projectId, p.state]).sort()).toEqual([
      ['app-prod', 'ACTIVE'],
      ['fab-old', 'DELETE_REQUESTED'],
      ['fab-web', 'ACTIVE'],
      ['sec-central', 'ACTIVE'],
    ]);
    expect(next).toMatchObject({ pageToken: response?.nextPageToken });
    const prod = all.find((p) => p.projectId === 'app-prod')!;
    expect(prod).toMatchObject({
      parent: 'folders/11',
      displayName: 'app-prod',
      name: expect.stringMatching(/^projects\/\d+$/),
    });
    expect(all.find((p) => p.projectId === 'fab-old')!.deleteTime).toBeTruthy();
  });

  it('finds folders and organizations, with the fields Google sends', async () => {
    const [folders] = await c.folders.searchFolders({});
    expect(folders.map((f) => [f.name, f.parent, f.state])).toEqual([
      ['folders/11', 'organizations/500', 'ACTIVE'],
      ['folders/12', 'folders/11', 'DELETE_REQUESTED'],
    ]);
    const [orgs] = await c.organizations.searchOrganizations({});
    expect(orgs).toHaveLength(1);
    expect(orgs[0]).toMatchObject({
      name: 'organizations/500',
      displayName: 'contoso.example',
      directoryCustomerId: expect.stringMatching(/^C0\w{7}$/),
      state: 'ACTIVE',
      owner: 'directoryCustomerId',
    });
  });

  it('sets only fields the published messages declare (protobufjs would drop any other unseen)', () => {
    const messages = { Project: projectMessage, Folder: folderMessage, Organization: organizationMessage };
    for (const t of WORLD.tenants) {
      for (const r of gcpWorldView(t.gcp!, WORLD.seed).resources) {
        const type = r.kind === 'project' ? 'Project' : r.kind === 'folder' ? 'Folder' : 'Organization';
        expect(undeclared(type, messages[type](r))).toEqual([]);
      }
    }
  });

  it('filters by the query, and refuses a term it does not know with INVALID_ARGUMENT', async () => {
    const [inFolder] = await c.projects.searchProjects({ query: 'parent:folders/11 AND state:ACTIVE' });
    expect(inFolder.map((p) => p.projectId)).toEqual(['app-prod']);
    const [byDomain] = await c.organizations.searchOrganizations({ query: 'domain:contoso.example' });
    expect(byDomain).toHaveLength(1);
    await expect(c.projects.searchProjects({ query: 'colour:blue' })).rejects.toMatchObject({ code: 3 });
  });
});

describe('the OAuth token endpoint', () => {
  /** google-auth-library's JWT client, its token request (to Google's fixed URL) sent to the simulator. */
  const jwtClient = (key: string, email = sim.serviceAccountKey.client_email) =>
    new JWT({
      email,
      key,
      scopes: ['https://www.googleapis.com/auth/cloud-platform.read-only'],
      transporterOptions: {
        fetchImplementation: (input, init) =>
          fetch(String(input).replace('https://oauth2.googleapis.com', sim.tokenEndpoint), init),
      },
    });

  it('exchanges a JWT the key signed for an access token, which the services accept', async () => {
    const { token } = await jwtClient(sim.serviceAccountKey.private_key).getAccessToken();
    expect(token).toMatch(/^ya29\./);
    const authorization = `Bearer ${token}`;
    const [orgs] = await c.organizations.searchOrganizations({}, { otherArgs: { headers: { authorization } } });
    expect(orgs).toHaveLength(1);
    const stale = c.organizations.searchOrganizations(
      {},
      { otherArgs: { headers: { authorization: 'Bearer ya29.x' } } },
    );
    await expect(stale).rejects.toMatchObject({ code: 16 });
  });

  it('answers a key it did not issue with invalid_grant, as Google does', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    await expect(jwtClient(String(other)).getAccessToken()).rejects.toThrow(/invalid_grant: Invalid JWT Signature\./);
    const stranger = jwtClient(sim.serviceAccountKey.private_key, 'nobody@else.iam.gserviceaccount.com');
    await expect(stranger.getAccessToken()).rejects.toThrow(/invalid_grant: Invalid grant: account not found/);
    const res = await fetch(`${sim.tokenEndpoint}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });
});
