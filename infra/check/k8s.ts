import { z } from 'zod';
import {
  checkAppProcess,
  checkServerPresence,
  isSecretName,
  MIGRATE,
  officialImage,
  readEnvSchema,
  shutdownDeadlineMs,
} from './shared.ts';

const Ref = z.object({ name: z.string(), key: z.string() });
const EnvVar = z.strictObject({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: z.strictObject({ secretKeyRef: Ref.optional(), configMapKeyRef: Ref.optional() }).optional(),
});
const Container = z.looseObject({
  name: z.string(),
  image: z.string(),
  command: z.unknown().optional(),
  args: z.unknown().optional(),
  env: z.array(EnvVar).default([]),
  resources: z.object({
    requests: z.object({ cpu: z.string(), memory: z.string() }),
    limits: z.looseObject({ memory: z.string() }),
  }),
});
const PodSpec = z.looseObject({
  terminationGracePeriodSeconds: z.number().optional(),
  containers: z.array(Container).min(1),
});
const Workload = z.looseObject({
  kind: z.enum(['Deployment', 'Job']),
  metadata: z.looseObject({ name: z.string() }),
  spec: z.looseObject({ template: z.looseObject({ spec: PodSpec }) }),
});
const Named = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.looseObject({ name: z.string(), namespace: z.never().optional() }),
});

/** One parsed YAML document and the file it came from (relative to `infra/k8s`). */
export interface Manifest {
  file: string;
  doc: unknown;
}

export interface K8sContext {
  /** Queue names from the job catalog. */
  queues: string[];
}

export function checkK8s(manifests: Manifest[], ctx: K8sContext): string[] {
  const problems: string[] = [];
  const byKind = (kind: string) => manifests.filter((m) => (m.doc as { kind?: unknown })?.kind === kind);
  for (const m of manifests) {
    const r = Named.safeParse(m.doc);
    if (!r.success) problems.push(...r.error.issues.map((i) => `${m.file}: ${i.path.join('.')}: ${i.message}`));
  }
  const config = new Map(Object.entries(asData(byKind('ConfigMap')[0]?.doc, 'data')));
  const secrets = byKind('Secret');
  const secret = new Map(Object.entries(asData(secrets[0]?.doc, 'stringData')));
  const configName = nameOf(byKind('ConfigMap')[0]?.doc);
  const secretName = nameOf(secrets[0]?.doc);
  const key = secret.get('EVIDENT_SECRET_KEY');
  if (key === undefined || Buffer.from(key, 'base64').length === 32 || !/REPLACE_ME/.test(key))
    problems.push('secret example: EVIDENT_SECRET_KEY must be an obvious placeholder');
  const commands: unknown[] = [];
  const workers: string[] = [];
  for (const m of [...byKind('Deployment'), ...byKind('Job')]) {
    const w = Workload.safeParse(m.doc);
    if (!w.success) {
      problems.push(...w.error.issues.map((i) => `${m.file}: ${i.path.join('.')}: ${i.message}`));
      continue;
    }
    const pod = w.data.spec.template.spec;
    for (const c of pod.containers) {
      const where = `${m.file} container ${c.name}`;
      commands.push(c.args);
      if (c.image !== 'evident' && !officialImage(c.image))
        problems.push(`${where}: image ${c.image} is neither the built image nor an official pinned one`);
      if (c.command !== undefined) problems.push(`${where}: use args, not command, to keep the init entrypoint`);
      const env = new Map<string, string | undefined>();
      for (const v of c.env) {
        const { secretKeyRef: s, configMapKeyRef: cm } = v.valueFrom ?? {};
        if (s && (s.name !== secretName || !secret.has(s.key)))
          problems.push(`${where}: ${v.name} refers to ${s.name}/${s.key}, which the example Secret lacks`);
        if (cm && (cm.name !== configName || !config.has(cm.key)))
          problems.push(`${where}: ${v.name} refers to ${cm.name}/${cm.key}, which the ConfigMap lacks`);
        if ((isSecretName(v.name) || v.name.endsWith('_URL')) && !s)
          problems.push(`${where}: ${v.name} must come from a secretKeyRef`);
        env.set(v.name, v.value ?? (cm ? config.get(cm.key) : undefined));
      }
      problems.push(...checkAppProcess(where, c.args, env));
      if (w.data.kind === 'Job' && JSON.stringify(c.args) !== JSON.stringify(MIGRATE))
        problems.push(`${where}: the migration Job must run exactly \`${MIGRATE.join(' ')}\``);
      if (w.data.kind === 'Deployment' && Array.isArray(c.args) && c.args[1] === 'apps/worker/bin/worker.js') {
        workers.push(w.data.metadata.name);
        const grace = (pod.terminationGracePeriodSeconds ?? 30) * 1000;
        const deadline = shutdownDeadlineMs(env.get('WORKER_SHUTDOWN_DEADLINE_MS'));
        if (!(grace > deadline)) problems.push(`${where}: grace period ${grace} ms ≤ shutdown deadline ${deadline} ms`);
      }
    }
  }
  if (byKind('Job').length !== 1) problems.push('k8s: expected one migration Job');
  const prefix = config.get('EVIDENT_QUEUE_PREFIX') ?? readEnvSchema('worker')?.defaults.get('EVIDENT_QUEUE_PREFIX');
  problems.push(
    ...checkScaling(
      manifests,
      workers,
      secret,
      [...new Set(ctx.queues)].map((q) => `${prefix}:${q}:wait`),
    ),
  );
  problems.push(...checkServerPresence('k8s', commands));
  return problems;
}

const ScaledObject = z.looseObject({
  spec: z.looseObject({
    scaleTargetRef: z.looseObject({ name: z.string() }),
    triggers: z.array(
      z.looseObject({
        type: z.string(),
        metadata: z.looseObject({ listName: z.string().optional() }),
        authenticationRef: z.looseObject({ name: z.string() }).optional(),
      }),
    ),
  }),
});
const TriggerAuth = z.looseObject({
  metadata: z.looseObject({ name: z.string() }),
  spec: z.looseObject({ secretTargetRef: z.array(z.looseObject({ parameter: z.string(), key: z.string() })) }),
});

function checkScaling(manifests: Manifest[], workers: string[], secret: Map<string, string>, lists: string[]) {
  const problems: string[] = [];
  const of = (kind: string) => manifests.filter((m) => (m.doc as { kind?: unknown })?.kind === kind);
  const auths = new Set<string>();
  for (const m of of('TriggerAuthentication')) {
    const a = TriggerAuth.parse(m.doc);
    auths.add(a.metadata.name);
    for (const ref of a.spec.secretTargetRef)
      if (!secret.has(ref.key))
        problems.push(`${m.file}: ${ref.parameter} refers to ${ref.key}, absent from the Secret`);
  }
  const scaled = of('ScaledObject');
  if (scaled.length === 0) return [...problems, 'k8s: no ScaledObject for the worker'];
  for (const m of scaled) {
    const s = ScaledObject.parse(m.doc).spec;
    if (!workers.includes(s.scaleTargetRef.name)) problems.push(`${m.file}: ${s.scaleTargetRef.name} is no worker`);
    const names = s.triggers.filter((t) => t.type === 'redis').map((t) => t.metadata.listName ?? '');
    if (JSON.stringify([...names].sort()) !== JSON.stringify([...lists].sort()))
      problems.push(`${m.file}: trigger lists ${names.join(', ')} are not the queues' ${lists.join(', ')}`);
    for (const t of s.triggers)
      if (t.authenticationRef && !auths.has(t.authenticationRef.name))
        problems.push(`${m.file}: no TriggerAuthentication ${t.authenticationRef.name}`);
  }
  return problems;
}

function asData(doc: unknown, field: string): Record<string, string> {
  return z.record(z.string(), z.string()).parse((doc as Record<string, unknown> | undefined)?.[field] ?? {});
}

function nameOf(doc: unknown): string | undefined {
  return (doc as { metadata?: { name?: string } } | undefined)?.metadata?.name;
}
