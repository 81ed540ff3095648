import { setTimeout as sleep } from 'node:timers/promises';
import type { Accounting } from '../accounting.ts';
import type { FaultPlan } from '../faults.ts';
import {
  type GrpcFailure,
  internal,
  invalidArgument,
  isFailure,
  notFound,
  permissionDenied,
  quotaExceeded,
  unauthenticated,
  unavailable,
} from './errors.ts';
import { CALLER, type MinuteQuota } from './quota.ts';
import type { QuotaName, Rpc } from './rpcs.ts';
import type { GcpResource, GcpWorldView } from './world-view.ts';

export interface Owned {
  tenant: string;
  resource: GcpResource;
  world: GcpWorldView;
}

export interface GcpState {
  owners: Map<string, Owned>;
  faults: FaultPlan;
  accounting: Accounting;
  quotas: Record<QuotaName, MinuteQuota>;
  clock: () => number;
  closing: AbortSignal;
}

export interface Answer {
  tenant: string;
  /** A response message, an error, or `hang`: never answer (the client's deadline, or close(), ends the call). */
  reply: object | GrpcFailure | 'hang';
}

const RM_HOST = '//cloudresourcemanager.googleapis.com/';

/** One call, in Google's order of things: the request, the tenant's faults, the quota, IAM, then the resource. */
export async function answer(state: GcpState, rpc: Rpc, request: unknown): Promise<Answer> {
  const call = rpc.bind(request);
  if (isFailure(call)) return { tenant: '(unknown)', reply: call };
  if (typeof call.target !== 'string') return { tenant: '(unknown)', reply: invalidArgument(call.target.invalid) };
  const owned = state.owners.get(call.target);
  const tenant = owned?.tenant ?? '(unknown)';
  const decision = owned ? state.faults.decide(tenant) : undefined;
  if (decision && decision.delayMs > 0) {
    const aborted = await sleep(decision.delayMs, false, { signal: state.closing }).catch(() => true);
    if (aborted) return { tenant, reply: 'hang' };
  }
  const quota = state.quotas[rpc.quota];
  const throttle = (reason: string, retryAfterSeconds: number | null): Answer => {
    state.accounting.throttle({ simulator: 'gcp', tenant, endpoint: rpc.endpoint, reason, retryAfterSeconds });
    return { tenant, reply: quotaExceeded(quota.rule, CALLER) };
  };
  switch (decision?.outcome) {
    case 'timeout':
      return { tenant, reply: 'hang' };
    case 'reset':
      return { tenant, reply: unavailable('read ECONNRESET') };
    case 'server_error':
      return { tenant, reply: unavailable() };
    case 'truncate':
      return { tenant, reply: internal() };
    case 'token_expired':
      return { tenant, reply: unauthenticated(quota.rule.service, `${rpc.service}.${rpc.method}`) };
    case 'throttle':
      return throttle('fault:throttle', null);
  }
  const now = state.clock();
  if ((!owned || state.faults.spec(tenant).realThrottles) && !quota.take(now)) {
    return throttle(`real:${quota.rule.limitName}`, quota.secondsLeft(now));
  }
  const shown = rpc.missing === 'permission_denied' ? `${RM_HOST}${call.target}` : call.target;
  if (decision?.revokedPermission === rpc.permission) return { tenant, reply: permissionDenied(rpc.permission, shown) };
  if (!owned) {
    const reply = rpc.missing === 'not_found' ? notFound(call.target) : permissionDenied(rpc.permission, shown);
    return { tenant, reply };
  }
  return { tenant, reply: call.serve(owned.resource, owned.world) };
}
