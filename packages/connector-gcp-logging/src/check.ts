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

/** Per configured resource, one small call per permission the collection needs: granted, missing, or unknown. */
export async function checkGcp(ctx: Ctx, tuning: Tuning): Promise<CheckResult> {
  let clients: GcpClients;
  try {
    clients = await createClients(ctx.config, ctx.secret);
  } catch (raw) {
    const message = asConnectorError(raw).message;
    return { ok: false, items: [{ name: 'service-account key', kind: 'permission', status: 'missing', message }] };
  }
  try {
    const reader = new Reader(clients, new CollectionSession(ctx, 'gcp-logging'), ctx.signal, tuning);
    const items: CheckItem[] = [];
    const probe = async (list: keyof typeof PROBES, resource: string) =>
      item(PROBES[list].permission, resource, await reader.probe(list, resource));
    for (const resource of new Set(ctx.config.resources)) {
      const kind = kindOf(resource);
      items.push(await probe('buckets', resource), await probe('sinks', resource), await probe('entries', resource));
      items.push(item(`resourcemanager.${kind}.getIamPolicy`, resource, await reader.policy(resource)));
      if (kind !== 'organizations')
        items.push(item(`resourcemanager.${kind}.get`, resource, await reader.parent(resource)));
      if (kind !== 'projects') items.push(await probe('projects', resource), await probe('folders', resource));
    }
    return { ok: items.every((i) => i.status === 'granted'), items };
  } finally {
    await clients.close();
  }
}
