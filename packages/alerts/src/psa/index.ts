import type { EgressPolicy } from '@evident/connector-kit';
import { InvalidInputError } from '@evident/core';
import { channelConfigs, channelSecrets, type PsaKind } from '../channel-settings.ts';
import { type Channel, DeliveryError } from '../channels/base.ts';
import { autotaskClient } from './autotask.ts';
import { deliverToPsa, type PsaClient, type PsaCompany } from './client.ts';
import { connectwiseClient } from './connectwise.ts';
import { halopsaClient } from './halopsa.ts';

export {
  deliverToPsa,
  deliveryMarker,
  type OpenTicket,
  PSA_RATE_LIMITS,
  type PsaClient,
  type PsaCompany,
  type PsaOutcome,
  psaLimiter,
  psaTicketRef,
  ticketText,
} from './client.ts';

/** The PSA client for stored settings, parsed again here. */
export function psaClientFor(
  policy: EgressPolicy,
  settings: { kind: PsaKind; config: unknown; secret: unknown },
): PsaClient {
  switch (settings.kind) {
    case 'connectwise':
      return connectwiseClient(
        policy,
        channelConfigs.connectwise.parse(settings.config),
        channelSecrets.connectwise.parse(settings.secret),
      );
    case 'autotask':
      return autotaskClient(
        policy,
        channelConfigs.autotask.parse(settings.config),
        channelSecrets.autotask.parse(settings.secret),
      );
    case 'halopsa':
      return halopsaClient(
        policy,
        channelConfigs.halopsa.parse(settings.config),
        channelSecrets.halopsa.parse(settings.secret),
      );
  }
}

/** A ticket channel: each delivery names the tenant's company and its control's ticket reference. */
export function psaChannel(client: PsaClient, closeOnRecovery: boolean): Channel {
  return {
    async send({ message, idempotencyKey, signal, psa }) {
      if (!psa) throw new DeliveryError(`a ${client.kind} delivery needs the tenant's company`, true);
      return deliverToPsa(
        client,
        { ref: psa.ref, companyId: psa.companyId, message, deliveryId: idempotencyKey, closeOnRecovery },
        signal,
      );
    },
  };
}

/**
 * Checks a tenant's company against the PSA before the mapping is saved: an unknown company is refused with the
 * reference named, and nothing is saved. A PSA that cannot be reached refuses too, with its own reason.
 */
export async function resolvePsaCompany(client: PsaClient, ref: string, signal?: AbortSignal): Promise<PsaCompany> {
  const value = ref.trim();
  const issue = (message: string) => new InvalidInputError(message, [{ path: 'company', message }]);
  if (value === '' || value.length > 100) throw issue('the company reference must have 1 to 100 characters');
  let company: PsaCompany | null;
  try {
    company = await client.findCompany(value, signal);
  } catch (error) {
    throw issue(`the ${client.kind} company "${value}" could not be checked: ${(error as Error).message}`);
  }
  if (!company) throw issue(`${client.kind} has no company "${value}"`);
  return company;
}
