import { ForbiddenError, idSchema, NotFoundError, type OrganizationId, type TenantId } from '@evident/core';
import { sha256 } from '@evident/db';
import { resolveSession } from '../auth/sessions.ts';
import type { ApiDeps, EvidencePacks, RequestInfo } from '../context.ts';
import { PreconditionError } from '../errors.ts';

const PACK_NAME = /^evidence-\d{8}T\d{6}Z\.zip$/;

export function requirePacks(deps: ApiDeps): EvidencePacks {
  if (!deps.packs) throw new PreconditionError('this server has no evidence-pack storage configured');
  return deps.packs;
}

/** The stored packs of a tenant, newest first, as callers see them. */
export async function listPacks(deps: ApiDeps, org: OrganizationId, tenant: TenantId) {
  const packs = await requirePacks(deps).list(org, tenant);
  return packs
    .map((p) => ({ name: p.name, size: p.size, storedAt: p.storedAt.toISOString() }))
    .sort((a, b) => b.name.localeCompare(a.name));
}

export interface PackDownload {
  key: string;
  name: string;
}

/**
 * Who may download a pack: staff signed in with the second factor, of the tenant's organization; or the holder of a
 * live share of that tenant naming `evidence_packs`. Every download is audited. Throws a domain error otherwise.
 */
export async function authorisePackDownload(
  deps: ApiDeps,
  req: RequestInfo,
  target: { name: string } & ({ tenantId: string } | { shareToken: string }),
): Promise<PackDownload> {
  requirePacks(deps);
  if (!PACK_NAME.test(target.name)) throw new NotFoundError('evidence pack', target.name);
  const address: Record<string, string> = req.address ? { address: req.address } : {};
  if ('shareToken' in target) {
    const share = target.shareToken.length <= 200 ? await deps.store.findShareByToken(sha256(target.shareToken)) : null;
    if (!share) throw new NotFoundError('evidence pack', target.name);
    if (!share.sections.includes('evidence_packs')) throw new ForbiddenError('this link does not show evidence packs');
    const key = `${share.organizationId}/${share.tenantId}/${target.name}`;
    await deps.store.appendAudit(share.organizationId, {
      actor: `share:${share.id}`,
      action: 'evidence_pack.download',
      target: share.tenantId,
      data: { pack: target.name, ...address },
    });
    return { key, name: target.name };
  }
  const tenantId = idSchema('ten').safeParse(target.tenantId);
  if (!tenantId.success) throw new NotFoundError('tenant', target.tenantId);
  const caller = await resolveSession({ deps, req, res: { setSession: () => {} } });
  if (!caller?.session.totpPassed) throw new ForbiddenError('sign in to download evidence packs');
  const tenant = await deps.store.getTenant(caller.organizationId, tenantId.data as TenantId);
  await deps.store.appendAudit(caller.organizationId, {
    actor: caller.user.id,
    action: 'evidence_pack.download',
    target: tenant.id,
    data: { pack: target.name, ...address },
  });
  return { key: `${caller.organizationId}/${tenant.id}/${target.name}`, name: target.name };
}
