import { asConnectorError, CollectionSession, type ConnectorContext } from '@evident/connector-kit';
import { type Fact, gapCovers } from '@evident/core';
import type { Tuning } from './calls.ts';
import { createClients, type GcpClients } from './clients.ts';
import type { GcpLoggingConfig, GcpLoggingSecret } from './config.ts';
import { assemble, DATA_ACCESS_SETTING, fallbackCover } from './facts.ts';
import { Reader } from './read.ts';
import { GCP_CATEGORIES, logNameOf, parseDestination } from './routing.ts';
import { describeRead, type Read } from './snapshot.ts';

type Ctx = ConnectorContext<GcpLoggingConfig, GcpLoggingSecret>;
type Session = CollectionSession<GcpLoggingConfig, GcpLoggingSecret>;

/** Drops covers that a broader cover in the same list already implies (`logSource` implies `logSource.x`). */
function narrowest(covers: Iterable<string>): string[] {
  const all = [...new Set(covers)].sort();
  return all.filter((c) => !all.some((other) => other !== c && gapCovers(other, c)));
}

/**
 * The resources to report on: each configured one, everything under a configured folder or organization, and no
 * resource twice under two names (a project configured by number and found by id).
 */
async function scopesOf(reader: Reader, configured: string[]): Promise<string[]> {
  const under = await Promise.all(
    configured.filter((r) => !r.startsWith('projects/')).map((r) => reader.descendants(r)),
  );
  const all = [...new Set([...configured, ...under.flat()])];
  await Promise.all(all.map((r) => reader.ancestry(r)));
  const byCanonical = new Map<string, string>();
  for (const r of all) {
    const canonical = reader.snapshot.canonical(r);
    if (!byCanonical.has(canonical) || r === canonical) byCanonical.set(canonical, r);
  }
  return [...byCanonical.values()];
}

/**
 * Reads the hierarchy, then every sink, policy and bucket the routes of the scopes depend on, side by side under
 * the connection's limiter; a scope's newest entries are asked for as soon as its own sinks are read.
 */
async function readAll(reader: Reader, session: Session, configured: string[]): Promise<string[]> {
  session.progress.phase = 'hierarchy';
  const scopes = await scopesOf(reader, configured);
  const nodes = [...new Set([...scopes, ...(await Promise.all(scopes.map((r) => reader.ancestry(r)))).flat()])];
  session.progress.phase = 'sinks, audit configs, buckets and newest entries';
  const newest: Promise<unknown>[] = [];
  // Only resources whose routing was read get facts, so only theirs are worth asking.
  const newestOf = (r: string) =>
    Promise.all(
      GCP_CATEGORIES.map((c) => reader.newest(logNameOf(reader.snapshot.canonical(r), c), c === 'data_access')),
    );
  const [sinks] = await Promise.all([
    Promise.all(
      nodes.map(async (node) => {
        const read = await reader.sinks(node);
        if (read.ok && scopes.includes(node)) newest.push(newestOf(node));
        return read;
      }),
    ),
    Promise.all(nodes.map((n) => reader.policy(n))),
    Promise.all(scopes.map((r) => reader.buckets(r))),
    Promise.all(scopes.map((r) => reader.exclusions(r))),
  ]);
  const owners = new Set<string>();
  nodes.forEach((node, i) => {
    const read = sinks[i]!;
    if (!read.ok) return;
    // An ancestor's own sinks carry only its own logs; only its aggregated ones reach the scopes below it.
    const applying = scopes.includes(node) ? read.value : read.value.filter((s) => s.includeChildren);
    for (const sink of applying) {
      const target = parseDestination(sink.destination);
      if (target.bucket && target.owner && !reader.snapshot.bucketsOf(target.owner)) owners.add(target.owner);
    }
  });
  await Promise.all([...[...owners].map((o) => reader.buckets(o)), ...newest]);
  return scopes;
}

function failures(reader: Reader): Extract<Read<unknown>, { ok: false }>[] {
  const { parents, sinks, exclusions, policies, buckets, children, newest } = reader.snapshot;
  const reads: Read<unknown>[] = [
    ...children.folders.values(),
    ...children.projects.values(),
    ...parents.values(),
    ...sinks.values(),
    ...exclusions.values(),
    ...policies.values(),
    ...buckets.values(),
    ...newest.values(),
  ];
  return reads.filter((r): r is Extract<Read<unknown>, { ok: false }> => !r.ok);
}

export async function* collectGcp(ctx: Ctx, tuning: Tuning): AsyncGenerator<Fact> {
  const session = new CollectionSession(ctx, 'gcp-logging');
  let clients: GcpClients;
  try {
    clients = await createClients(ctx.config, ctx.secret, ctx.egress);
  } catch (raw) {
    yield session.gap(
      { source: 'service-account key', covers: ['logSource', `setting.${DATA_ACCESS_SETTING}`] },
      asConnectorError(raw),
    );
    return;
  }
  try {
    const configured = [...new Set(ctx.config.resources)];
    const reader = new Reader(clients, session, ctx.signal, tuning);
    const scopes = await readAll(reader, session, configured);
    const base = { connection: ctx.connection, observedAt: ctx.now().toISOString() };
    const { facts, covers } = assemble(reader.snapshot, scopes, base);
    const spec = {
      phase: 'facts',
      source: configured.join(', '),
      covers: ['logSource', `setting.${DATA_ACCESS_SETTING}`],
    };
    yield* session.section(spec, async function* () {
      yield* facts;
      for (const failed of failures(reader)) {
        const cover = narrowest(covers.get(failed.key) ?? fallbackCover(failed.key));
        yield session.gap({ source: describeRead(failed.key), covers: cover }, failed.error);
      }
    });
    ctx.progress({ ...session.progress, phase: 'done' });
  } finally {
    await clients.close();
  }
}
