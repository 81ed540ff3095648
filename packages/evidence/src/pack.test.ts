import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDatabase, type TestDatabase } from '@evident/db/testing';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExportedPack, exportPack } from './export-pack.ts';
import { publishedKeys } from './keys.ts';
import { localStorage } from './storage/local.ts';
import { type PackWorld, packWorld } from './testing/world.ts';
import { verifyPackBytes } from './verify/index.ts';
import { verifyPackFile } from './verify-file.ts';

const OSCAL = new URL('../../../../shared/reference/schemas/oscal/', import.meta.url).pathname;
const IDENTITIES = 25;
/** Runs are stamped with the real clock: the packs are made a little later. */
const T0 = Date.now();
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

async function oscalValidator() {
  const schema = JSON.parse(await readFile(join(OSCAL, 'v1.1.3/oscal_assessment-results_schema.json'), 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  formats.default(ajv);
  return ajv.compile(schema);
}

describe('an evidence pack from the store', () => {
  let t: TestDatabase;
  let dir: string;
  let world: PackWorld;
  let pack: ExportedPack;
  let bytes: Uint8Array;
  let files: Record<string, Uint8Array>;
  const text = (name: string) => new TextDecoder().decode(files[name]);

  beforeAll(async () => {
    t = await openTestDatabase('pg');
    dir = await mkdtemp(join(tmpdir(), 'evident-packs-'));
    world = await packWorld(t.store, IDENTITIES);
    const storage = localStorage(dir);
    pack = await exportPack(
      { store: t.store, storage },
      { organizationId: world.org, tenantId: world.tenant, brand: { name: 'Northwind MSP', accent: '#0b5fff' } },
      at(1),
    );
    bytes = await readFile(join(dir, ...pack.stored.key.split('/')));
    files = unzipSync(bytes);
  });
  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('holds every file the manifest lists, and the manifest, its signature and the keys', () => {
    expect(Object.keys(files).sort()).toEqual(
      [
        'controls.csv',
        'exceptions.csv',
        'identities.csv',
        'keys.json',
        'log-sources.csv',
        'manifest.jws',
        'manifest.json',
        'oscal/assessment-results.json',
        'report.html',
        'report.pdf',
        'results.json',
      ].sort(),
    );
    expect(pack.stored.key).toMatch(new RegExp(`^${world.org}/${world.tenant}/evidence-\\d{8}T\\d{6}Z\\.zip$`));
    expect(pack.stored.size).toBe(bytes.length);
  });

  it('states the tenant, the period, the versions and the head of the audit chain', async () => {
    const m = JSON.parse(text('manifest.json'));
    const chain = await t.store.verifyAuditChain(world.org);
    expect(chain.valid && chain.head).toMatch(/^[0-9a-f]{64}$/);
    expect(m).toMatchObject({
      tenant: { id: world.tenant, name: 'Contoso' },
      period: { from: null, to: at(1).toISOString() },
      generator: { name: '@evident/evidence' },
      auditChain: { head: chain.valid ? chain.head : 'broken', events: 1, valid: true },
      assessments: [world.run],
    });
    expect(m.catalog.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(m.catalog.frameworks.map((f: { id: string }) => f.id)).toContain('nist-800-53');
    expect(m.files).toHaveLength(8);
    expect(m.files.find((f: { path: string }) => f.path === 'identities.csv').size).toBe(
      files['identities.csv']!.length,
    );
  });

  it('lists every identity with MFA registration, enforcement and its reason, privilege, eligibility and exceptions', () => {
    const lines = text('identities.csv').trimEnd().split('\r\n');
    expect(lines).toHaveLength(IDENTITIES + 1);
    expect(lines[0]).toBe(
      'connection,provider,subject,name,kind,enabled,mfa_registered,mfa_enforced,enforcement_reason,enforcement_detail,privileged,eligible,excepted,observed_at',
    );
    const user3 = lines.find((l) => l.includes('user3@contoso.example'))!;
    expect(user3).toContain(',false,false,not_registered,,false,true,MFA-01,');
    expect(lines.find((l) => l.includes('user1@'))).toContain('"Require MFA for all users, ""CA001"""');
    expect(lines.find((l) => l.includes('user0@'))).toMatch(/,service,.*,false,,/);
    expect(text('log-sources.csv').trimEnd().split('\r\n')).toHaveLength(3);
    expect(text('exceptions.csv')).toContain('user3@contoso.example');
  });

  it('carries the results and one controls.csv row per control', async () => {
    const results = JSON.parse(text('results.json'));
    const latest = await t.store.latestResults(world.org, world.tenant);
    expect(results.assessments).toEqual([{ run: latest!.run, results: latest!.results }]);
    expect(text('controls.csv').trimEnd().split('\r\n')).toHaveLength(latest!.results.length + 1);
  });

  it('makes a self-contained branded HTML report and a PDF, without a browser', () => {
    const html = text('report.html');
    expect(html).toContain('Northwind MSP');
    expect(html).toContain('#0b5fff');
    expect(html).not.toMatch(/<script|<link|src=|url\(/i);
    expect(text('report.pdf').startsWith('%PDF-')).toBe(true);
    expect(text('report.pdf')).toContain('%%EOF');
  });

  it('writes OSCAL 1.1.3 assessment results the official schema accepts, as it accepts its own example', async () => {
    const validate = await oscalValidator();
    const example = JSON.parse(await readFile(join(OSCAL, 'examples/ifa_assessment-results-example.json'), 'utf8'));
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ 'assessment-results': { uuid: 'not-a-uuid' } })).toBe(false);
    const oscal = JSON.parse(text('oscal/assessment-results.json'));
    expect(validate(oscal), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    const [result] = oscal['assessment-results'].results;
    const states = new Map(
      result.findings.map((f: { target: { 'target-id': string; status: { state: string } } }) => [
        f.target['target-id'],
        f.target.status.state,
      ]),
    );
    const latest = await t.store.latestResults(world.org, world.tenant);
    for (const r of latest!.results)
      expect(states.get(r.controlId)).toBe(r.status === 'pass' ? 'satisfied' : 'not-satisfied');
    expect(JSON.stringify(result.findings)).toContain('framework-mapping');
    expect(result.observations.length).toBeGreaterThan(0);
  });

  it('verifies untouched, from the file and in memory with WebCrypto', async () => {
    const onDisk = await verifyPackFile(join(dir, ...pack.stored.key.split('/')));
    expect(onDisk).toMatchObject({ ok: true, problems: [] });
    const pinned = await verifyPackBytes(bytes, { trustedKeys: await publishedKeys(t.store, world.org) });
    expect(pinned).toMatchObject({ ok: true, problems: [], notes: [] });
  });

  it('covers a period: every assessment in it, oldest first, and an OSCAL result for each', async () => {
    const next = await t.store.createRun(world.org, {
      tenantId: world.tenant,
      trigger: 'schedule',
      startedAt: at(2),
    });
    const latest = await t.store.latestResults(world.org, world.tenant);
    await t.store.writeResults(world.org, next.id, latest!.results);
    const storage = localStorage(dir);
    const period = await exportPack(
      { store: t.store, storage },
      { organizationId: world.org, tenantId: world.tenant, from: at(-60 * 24), to: at(3) },
      at(3),
    );
    expect(period.manifest.assessments).toEqual([world.run, next.id]);
    const oscal = JSON.parse(
      new TextDecoder().decode(
        unzipSync(await readFile(join(dir, ...period.stored.key.split('/'))))['oscal/assessment-results.json'],
      ),
    );
    expect(oscal['assessment-results'].results).toHaveLength(2);
    expect((await oscalValidator())(oscal)).toBe(true);
    expect((await storage.list(`${world.org}/${world.tenant}/`)).map((o) => o.key)).toHaveLength(2);
  });
});
