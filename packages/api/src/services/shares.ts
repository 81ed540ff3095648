import { ForbiddenError } from '@evident/core';
import { type Share, type ShareSection, sha256 } from '@evident/db';
import type { ApiDeps, RequestInfo } from '../context.ts';
import { type AuditEntry, auditedAs } from './audit.ts';

/** A share token is 43 characters; anything much longer is not one, and is refused before any lookup. */
const MAX_TOKEN_LENGTH = 200;

/**
 * The one way a share token opens anything: the page (`/s/<token>`), the API (`shareProcedure`) and pack downloads.
 * A live share (not revoked, not expired, of a tenant not deleted) is returned after its access is recorded in the
 * share's access log and the audit log, together; anything else is null.
 */
export async function resolveShare(
  deps: ApiDeps,
  token: string | null,
  access: Pick<RequestInfo, 'address' | 'userAgent'> & {
    what: string;
    /** A section the access needs: without it, ForbiddenError and nothing recorded. */
    section?: ShareSection;
    audit?: Omit<AuditEntry, 'target'>;
  },
): Promise<Share | null> {
  if (!token || token.length > MAX_TOKEN_LENGTH) return null;
  const share = await deps.store.findShareByToken(sha256(token));
  if (!share) return null;
  if (access.section && !share.sections.includes(access.section))
    throw new ForbiddenError(`this link does not show ${access.section.replace('_', ' ')}`);
  const who = { organizationId: share.organizationId, actor: `share:${share.id}`, address: access.address };
  const entry = access.audit ?? { action: 'share.access', data: { procedure: access.what } };
  await auditedAs(
    deps.store,
    who,
    (tx) =>
      tx.recordShareAccess(share.organizationId, share.id, {
        address: access.address,
        userAgent: access.userAgent?.slice(0, 500) ?? null,
        what: access.what,
      }),
    () => ({ ...entry, target: share.tenantId }),
  );
  return share;
}
