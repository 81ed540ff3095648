import { isPsaKind } from '@evident/alerts';
import { psaClientFor, resolvePsaCompany } from '@evident/alerts/psa';
import { NO_OVERRIDES } from '@evident/connector-kit';
import { InvalidInputError, type OrganizationId, type TenantId } from '@evident/core';
import type { ApiDeps } from '../context.ts';

/** The PSA channel a mapping is for, opened; any other kind is refused in words. */
export async function psaChannelOf(deps: ApiDeps, org: OrganizationId, channelId: string) {
  const channel = await deps.store.readAlertChannel(org, channelId);
  if (!isPsaKind(channel.kind)) {
    throw new InvalidInputError(`alert channel ${channel.name} is a ${channel.kind} channel, not a PSA`, [
      { path: 'channelId', message: 'choose a ConnectWise, Autotask or HaloPSA channel' },
    ]);
  }
  return { ...channel, kind: channel.kind };
}

/**
 * Asks the PSA for the company before anything is saved: an unknown company, or a PSA that cannot be asked, is
 * refused with the reference named, and nothing is written.
 */
export async function checkPsaCompany(
  deps: ApiDeps,
  org: OrganizationId,
  input: { channelId: string; tenantId: TenantId; company: string },
) {
  const channel = await psaChannelOf(deps, org, input.channelId);
  await deps.store.getTenant(org, input.tenantId);
  const company = await resolvePsaCompany(psaClientFor(deps.egress ?? NO_OVERRIDES, channel), input.company);
  return { channel, company };
}
