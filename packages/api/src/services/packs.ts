import { ForbiddenError, idSchema, NotFoundError, type OrganizationId, type TenantId } from '@evident/core';
import { resolveSession } from '../auth/sessions.ts';
import type { ApiDeps, EvidencePacks, RequestInfo } from '../context.ts';
import { PreconditionError } from '../errors.ts';
import { auditedAs } from './audit.ts';
import { resolveShare } from './shares.ts';

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
  if ('shareToken' in target) {
    const share = await resolveShare(deps, target.shareToken, {
      ...req,
      what: `evidence_pack.download ${target.name}`,
      section: 'evidence_packs',
      audit: { action: 'evidence_pack.download', data: { pack: target.name } },
    });
    if (!share) throw new NotFoundError('evidence pack', target.name);
    return { key: `${share.organizationId}/${share.tenantId}/${target.name}`, name: target.name };
  }
  const tenantId = idSchema('ten').safeParse(target.tenantId);
  if (!tenantId.success) throw new NotFoundError('tenant', target.tenantId);
  const caller = await resolveSession({ deps, req, res: { setSession: () => {} } });
  if (!caller?.session.totpPassed) throw new ForbiddenError('sign in to download evidence packs');
  const who = { organizationId: caller.organizationId, actor: caller.user.id, address: req.address };
  const tenant = await auditedAs(
    deps.store,
    who,
    (tx) => tx.getTenant(caller.organizationId, tenantId.data as TenantId),
    (t) => ({ action: 'evidence_pack.download', target: t.id, data: { pack: target.name } }),
  );
  return { key: `${caller.organizationId}/${tenant.id}/${target.name}`, name: target.name };
}
