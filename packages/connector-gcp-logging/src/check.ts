import {
  asConnectorError,
  type CheckItem,
  type CheckResult,
  CollectionSession,
  type ConnectorContext,
} from '@evident/connector-kit';
import { PROBES, type Tuning } from './calls.ts';
import { createClients, type GcpClients } from './clients.ts';
import { type GcpLoggingConfig, type GcpLoggingSecret, kindOf } from './config.ts';
import { Reader } from './read.ts';
import type { Read } from './snapshot.ts';

type Ctx = ConnectorContext<GcpLoggingConfig, GcpLoggingSecret>;

function item(permission: string, resource: string, read: Read<unknown>): CheckItem {
  const name = `${permission} on ${resource}`;
  if (read.ok)
    return { name, kind: 'permission', status: 'granted', message: `${permission} is granted on ${resource}.` };
  const missing = read.error.code === 'permission_missing';
  return { name, kind: 'permission', status: missing ? 'missing' : 'unknown', message: read.error.message };
}

function late(permission: string, resource: string): CheckItem {
  const message = `Google Cloud did not answer before the check's deadline; whether ${permission} is granted is unknown.`;
  return { name: `${permission} on ${resource}`, kind: 'permission', status: 'unknown', message };
}

/** Per configured resource, one small call per permission the collection needs: granted, missing, or unknown. */
export async function checkGcp(ctx: Ctx, tuning: Tuning): Promise<CheckResult> {
  let clients: GcpClients;
  try {
    clients = await createClients(ctx.config, ctx.secret, ctx.egress);
  } catch (raw) {
    const message = asConnectorError(raw).message;
    return { ok: false, items: [{ name: 'service-account key', kind: 'permission', status: 'missing', message }] };
  }
  try {
    const reader = new Reader(clients, new CollectionSession(ctx, 'gcp-logging'), ctx.signal, tuning);
    const items: CheckItem[] = [];
    const probe = (list: keyof typeof PROBES, resource: string) =>
      answer(PROBES[list].permission, resource, () => reader.probe(list, resource));
    // Past the deadline nothing more is asked, and what was being asked is unknown: never granted.
    const answer = async (permission: string, resource: string, read: () => Promise<Read<unknown>>) => {
      if (ctx.signal.aborted) return late(permission, resource);
      try {
        return item(permission, resource, await read());
      } catch (error) {
        if (ctx.signal.aborted) return late(permission, resource);
        throw error;
      }
    };
    for (const resource of new Set(ctx.config.resources)) {
      const kind = kindOf(resource);
      items.push(await probe('buckets', resource), await probe('sinks', resource), await probe('exclusions', resource));
      items.push(await probe('entries', resource));
      items.push(await answer(`resourcemanager.${kind}.getIamPolicy`, resource, () => reader.policy(resource)));
      if (kind !== 'organizations')
        items.push(await answer(`resourcemanager.${kind}.get`, resource, () => reader.parent(resource)));
      if (kind !== 'projects') items.push(await probe('projects', resource), await probe('folders', resource));
    }
    return { ok: items.every((i) => i.status === 'granted'), items };
  } finally {
    await clients.close();
  }
}
