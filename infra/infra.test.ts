import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JOBS } from '@evident/jobs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { checkCompose, readExampleVars } from './check/compose.ts';
import { checkDockerfile, NODE_MAJOR } from './check/dockerfile.ts';
import { checkK8s, type Manifest } from './check/k8s.ts';
import { MIGRATE, ROOT, readEnvSchema } from './check/shared.ts';

const INFRA = join(ROOT, 'infra');
const K8S = join(INFRA, 'k8s');
const read = (file: string) => readFileSync(file, 'utf8');

/** Every document of a YAML file; any syntax error, duplicate key or empty file throws. */
function parseYaml(file: string): unknown[] {
  const docs = parseAllDocuments(read(file), { merge: true });
  if (!Array.isArray(docs)) throw new Error(`${file}: no YAML documents`);
  const errors = docs.flatMap((d) => d.errors.map((e) => e.message));
  if (errors.length > 0) throw new Error(`${file}: ${errors.join('; ')}`);
  const values = docs.map((d) => d.toJS() as unknown);
  if (values.length === 0 || values.some((v) => v == null)) throw new Error(`${file}: empty document`);
  return values;
}

const k8sFiles = readdirSync(K8S).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
/** The first document of a kind; for Deployments, the worker's (the server's is checked on its own). */
const ofKind = (manifests: Manifest[], kind: string) =>
  manifests.find(
    (m) => get(m.doc, ['kind']) === kind && (kind !== 'Deployment' || m.file === 'worker-deployment.yaml'),
  )!;
const loadManifests = (): Manifest[] =>
  k8sFiles.flatMap((file) => parseYaml(join(K8S, file)).map((doc) => ({ file, doc })));
interface ComposeShape {
  services: Record<string, { command?: unknown; depends_on?: Record<string, unknown> }>;
}
const loadCompose = () => parseYaml(join(INFRA, 'compose.yaml'))[0] as ComposeShape;
type Path = (string | number)[];
const get = (value: unknown, path: Path): unknown =>
  path.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], value);
/** Sets (or, with `undefined`, deletes) the value at a path of a parsed document. */
function set(value: unknown, path: Path, to: unknown): void {
  const parent = get(value, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path.at(-1)!;
  if (to === undefined) delete parent[key];
  else parent[key] = to;
}

const dockerfile = read(join(INFRA, 'Dockerfile'));
const stages = checkDockerfile(dockerfile).stages;
const composeCtx = { stages, exampleVars: readExampleVars(join(INFRA, '.env.example')) };
const k8sCtx = { queues: Object.values(JOBS).map((j) => j.queue) };

describe('infra files', () => {
  it('parse as YAML: compose, the kustomization and every manifest', () => {
    expect(Object.keys(loadCompose().services).sort()).toEqual([
      'migrate',
      'minio',
      'minio-setup',
      'postgres',
      'redis',
      'server',
      'worker',
    ]);
    expect(k8sFiles.sort()).toEqual([
      'configmap.yaml',
      'migrate-job.yaml',
      'network-policy.yaml',
      'secret.example.yaml',
      'server-deployment.yaml',
      'worker-deployment.yaml',
      'worker-scaledobject.yaml',
    ]);
    const kinds = loadManifests().map((m) => (m.doc as { kind: string }).kind);
    expect(kinds.sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'Deployment',
      'HorizontalPodAutoscaler',
      'Job',
      'NetworkPolicy',
      'ScaledObject',
      'Secret',
      'Service',
      'TriggerAuthentication',
    ]);
  });

  it('the kustomization lists every manifest but the example Secret', () => {
    const [kustomization] = parseYaml(join(K8S, 'kustomization.yaml')) as [{ resources: string[] }];
    expect([...kustomization.resources].sort()).toEqual(k8sFiles.filter((f) => f !== 'secret.example.yaml'));
  });

  it('reads the apps’ env schemas as text, with their required variables', () => {
    const worker = readEnvSchema('worker')!;
    expect(worker.required).toContain('DATABASE_URL');
    expect(worker.required).toContain('EVIDENT_SECRET_KEY');
    expect(worker.required).not.toContain('LOG_LEVEL');
    expect(worker.defaults.get('REDIS_URL')).toBe('redis://127.0.0.1:6379');
    expect(worker.names).toContain('WORKER_SHUTDOWN_DEADLINE_MS');
    expect(Number(worker.defaults.get('WORKER_SHUTDOWN_DEADLINE_MS'))).toBeGreaterThan(0);
    const cli = readEnvSchema('cli')!;
    expect(cli.names).toContain('DATABASE_URL');
    expect(cli.required).toEqual(new Set());
    for (const app of ['worker', 'server']) {
      const names = readEnvSchema(app)!.names;
      expect(names, `${app}: spread from @evident/evidence`).toContain('EVIDENT_EXPORTS_S3_BUCKET');
      expect(names).toContain('EVIDENT_EXPORTS_S3_SECRET_ACCESS_KEY');
    }
  });
});

describe('Dockerfile', () => {
  it('has deps, build and runtime stages on node:24-bookworm-slim, COPY sources that exist, and runs as non-root', () => {
    const report = checkDockerfile(dockerfile);
    expect(report.problems).toEqual([]);
    expect(report.stages).toEqual(['manifests', 'deps', 'build', 'runtime']);
    expect(NODE_MAJOR).toBe(24);
    expect(new Set(report.bases)).toEqual(new Set(['node:24-bookworm-slim']));
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });

  it('has an allow-list ignore file that keeps the migrations and drops tests', () => {
    const ignore = read(join(INFRA, 'Dockerfile.dockerignore')).split('\n');
    expect(ignore).toContain('!packages/*/migrations');
    expect(ignore).toContain('**/*.test.ts');
    expect(existsSync(join(ROOT, 'packages/db/migrations'))).toBe(true);
  });
});

describe('compose', () => {
  it('passes every check: images, commands, env against the schemas, secrets by reference, grace period', () => {
    expect(checkCompose(loadCompose(), composeCtx)).toEqual([]);
  });

  it('runs the migration exactly as the tests and the Job do, before the workers', () => {
    const { services } = loadCompose();
    expect(services.migrate?.command).toEqual(MIGRATE);
    expect(services.worker?.depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
  });
});

describe('Kubernetes', () => {
  const doc = (kind: string) => ofKind(loadManifests(), kind).doc;

  it('passes every check: refs, env against the schemas, resources, grace period, KEDA lists', () => {
    expect(checkK8s(loadManifests(), k8sCtx)).toEqual([]);
  });

  it('runs the migration Job with the same command', () => {
    expect(get(doc('Job'), ['spec', 'template', 'spec', 'containers', 0, 'args'])).toEqual(MIGRATE);
  });

  it('gives the worker a grace period above its shutdown deadline', () => {
    const deadline = Number(get(doc('ConfigMap'), ['data', 'WORKER_SHUTDOWN_DEADLINE_MS']));
    const grace = Number(get(doc('Deployment'), ['spec', 'template', 'spec', 'terminationGracePeriodSeconds']));
    expect(grace * 1000).toBeGreaterThan(deadline);
  });

  it('lets the workers reach public HTTPS but not the metadata service or private networks', () => {
    const policy = doc('NetworkPolicy');
    const labels = get(doc('Deployment'), ['spec', 'template', 'metadata', 'labels']);
    expect(get(policy, ['spec', 'podSelector', 'matchLabels'])).toEqual(labels);
    expect(get(policy, ['spec', 'policyTypes'])).toEqual(['Ingress', 'Egress']);
    const rules = get(policy, ['spec', 'egress']) as { ports: { port: number }[]; to: { ipBlock?: unknown }[] }[];
    const https = rules.find((r) => r.ports.some((p) => p.port === 443))!;
    expect(https.to).toEqual([
      {
        ipBlock: {
          cidr: '0.0.0.0/0',
          except: expect.arrayContaining(['169.254.0.0/16', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']),
        },
      },
    ]);
    expect(rules.flatMap((r) => r.ports.map((p) => p.port)).sort((a, b) => a - b)).toEqual([
      53, 53, 443, 465, 587, 5432, 6379,
    ]);
  });

  it('scales on the wait lists of the catalog’s queues', () => {
    const triggers = get(doc('ScaledObject'), ['spec', 'triggers']) as unknown[];
    expect(triggers.map((t) => get(t, ['metadata', 'listName'])).sort()).toEqual([
      'evident:alerts:wait',
      'evident:assess:wait',
      'evident:collect:wait',
      'evident:export:wait',
      'evident:imports:wait',
      'evident:watch:wait',
    ]);
    expect(new Set(k8sCtx.queues)).toEqual(new Set(['alerts', 'assess', 'collect', 'export', 'imports', 'watch']));
  });
});

describe('the server', () => {
  it('runs in compose and in Kubernetes, with probes on /healthz and /readyz, a Service and autoscaling', () => {
    expect(existsSync(join(ROOT, 'apps/server/package.json'))).toBe(true);
    expect(loadCompose().services.server?.command).toEqual(['node', 'apps/server/bin/server.js']);
    const server = read(join(K8S, 'server-deployment.yaml'));
    for (const needle of ['path: /readyz', 'path: /healthz', 'kind: Service', 'kind: HorizontalPodAutoscaler'])
      expect(server).toContain(needle);
  });
});

const WORKER_ENV = ['services', 'worker', 'environment'];
const composeBreaks: [string, Path, unknown, string][] = [
  ['an unknown variable', [...WORKER_ENV, 'WORKER_SHUTDOWN_DEADLINE'], '1', 'is not in the schema'],
  ['a missing required variable', [...WORKER_ENV, 'EVIDENT_SECRET_KEY'], undefined, 'EVIDENT_SECRET_KEY is required'],
  [
    'a literal key',
    [...WORKER_ENV, 'EVIDENT_SECRET_KEY'],
    'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    'not a literal',
  ],
  ['a literal password', [...WORKER_ENV, 'DATABASE_URL'], 'postgres://e:hunter2@postgres/e', 'literal password'],
  ['an undocumented reference', [...WORKER_ENV, 'LOG_LEVEL'], `\${VERBOSITY}`, 'not documented'],
  ['another migrate command', ['services', 'migrate', 'command'], [...MIGRATE, '--url', 'x'], 'must run exactly'],
  ['a missing script', ['services', 'worker', 'command'], ['node', 'apps/worker/bin/work.js'], 'does not exist'],
  ['an unpinned image', ['services', 'redis', 'image'], 'redis:latest', 'pinned major'],
  ['Redis 6', ['services', 'redis', 'image'], 'redis:6', 'Redis must be 7'],
  ['an evicting Redis', ['services', 'redis', 'command'], ['redis-server', '--appendonly', 'yes'], 'noeviction'],
  ['a short grace period', ['services', 'worker', 'stop_grace_period'], '20s', 'stop_grace_period 20000 ms'],
  ['an unpinned MinIO', ['services', 'minio', 'image'], 'minio/minio:latest', 'pinned major'],
  [
    'packs stored elsewhere by the server',
    ['services', 'server', 'environment', 'EVIDENT_EXPORTS_S3_BUCKET'],
    'other',
    'same place',
  ],
  [
    'a bucket the apps do not wait for',
    ['services', 'worker', 'depends_on', 'minio-setup'],
    undefined,
    'must wait for minio-setup',
  ],
  ['an S3 store without a volume', ['services', 'minio', 'volumes'], undefined, 'minio: needs a named volume'],
  ['a build target that is no stage', ['services', 'worker', 'build', 'target'], 'prod', 'not a Dockerfile stage'],
];

const POD = ['spec', 'template', 'spec'];
const k8sBreaks: [string, string, Path, unknown, string][] = [
  ['a short grace period', 'Deployment', [...POD, 'terminationGracePeriodSeconds'], 20, 'grace period 20000 ms'],
  [
    'a wrong queue list',
    'ScaledObject',
    ['spec', 'triggers', 0, 'metadata', 'listName'],
    'evident:collects:wait',
    'trigger lists',
  ],
  [
    'another Job command',
    'Job',
    [...POD, 'containers', 0, 'args'],
    ['node', 'apps/cli/bin/evident.js', 'up'],
    'exactly',
  ],
  [
    'a literal URL',
    'Deployment',
    [...POD, 'containers', 0, 'env', 1],
    { name: 'DATABASE_URL', value: 'postgres://x' },
    'secretKeyRef',
  ],
  [
    'an unknown Secret key',
    'Deployment',
    [...POD, 'containers', 0, 'env', 0, 'valueFrom', 'secretKeyRef', 'key'],
    'REDIS',
    'Secret lacks',
  ],
  [
    'an unknown variable',
    'Deployment',
    [...POD, 'containers', 0, 'env', 0, 'name'],
    'REDIS_HOST',
    'REDIS_HOST is not in the schema',
  ],
  ['a command override', 'Deployment', [...POD, 'containers', 0, 'command'], ['node'], 'use args'],
  ['no resources', 'Job', [...POD, 'containers', 0, 'resources'], undefined, 'resources'],
  ['a namespace', 'ConfigMap', ['metadata', 'namespace'], 'evident', 'metadata.namespace'],
  [
    'a real-looking key',
    'Secret',
    ['stringData', 'EVIDENT_SECRET_KEY'],
    Buffer.alloc(32, 7).toString('base64'),
    'placeholder',
  ],
  [
    'an unknown TriggerAuthentication key',
    'TriggerAuthentication',
    ['spec', 'secretTargetRef', 0, 'key'],
    'ADDR',
    'absent from the Secret',
  ],
];

describe('a deliberately broken file fails the checks', () => {
  it.each(composeBreaks)('compose with %s', (_, path, value, message) => {
    const compose = loadCompose();
    set(compose, path, value);
    expect(checkCompose(compose, composeCtx).join('\n')).toContain(message);
  });

  it.each(k8sBreaks)('Kubernetes with %s', (_, kind, path, value, message) => {
    const manifests = loadManifests();
    set(ofKind(manifests, kind).doc, path, value);
    expect(checkK8s(manifests, k8sCtx).join('\n')).toContain(message);
  });

  it.each([
    ['a COPY source that does not exist', 'COPY packages packages', 'COPY tools tools', 'COPY source tools'],
    ['a root runtime', 'USER node', 'USER root', 'non-root'],
    ['an unknown stage', '--from=deps', '--from=dependencies', 'names no earlier stage'],
    [
      'a server that is not shipped',
      'COPY --from=build /src/apps/server/dist apps/server/dist',
      '',
      'does not ship apps/server/dist',
    ],
    ['no dashboard', 'COPY --from=build /src/apps/web/dist apps/web/dist', '', 'does not ship apps/web/dist'],
    ['an unpinned base', 'FROM node:24-bookworm-slim AS runtime', 'FROM node:lts AS runtime', 'pinned major'],
    [
      'an end-of-life Node',
      'FROM node:24-bookworm-slim AS runtime',
      'FROM node:20-bookworm-slim AS runtime',
      'Node 24 LTS',
    ],
    [
      'an end-of-life Node in the build',
      'FROM node:24-bookworm-slim AS build',
      'FROM node:20-slim AS build',
      'Node 24 LTS',
    ],
  ])('the Dockerfile with %s', (_, from, to, message) => {
    expect(dockerfile).toContain(from);
    expect(checkDockerfile(dockerfile.replace(from, to)).problems.join('\n')).toContain(message);
  });

  it('compose without the server while apps/server exists', () => {
    const compose = loadCompose();
    set(compose, ['services', 'server'], undefined);
    expect(checkCompose(compose, composeCtx).join('\n')).toContain('apps/server exists but nothing runs it');
  });
});
