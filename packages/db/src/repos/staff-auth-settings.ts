import type { OrganizationId } from '@evident/core';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { seal, unseal } from '../crypto.ts';
import { staffAuthSettings } from '../schema/staff-auth.ts';
import type { RepoContext } from './boundary.ts';
import { parseInput } from './boundary.ts';

export interface StaffAuthSettings {
  passkeysRequiredForAdmins: boolean;
  sso: {
    tenantId: string;
    clientId: string;
    authority: string | null;
    jitRole: 'admin' | 'analyst' | 'viewer' | null;
    hasClientSecret: boolean;
  } | null;
}

export const ssoSettingsInput = z.object({
  tenantId: z.guid(),
  clientId: z.guid(),
  /** Absent keeps the stored secret. */
  clientSecret: z.string().min(1).max(500).optional(),
  authority: z.url().nullable(),
  jitRole: z.enum(['admin', 'analyst', 'viewer']).nullable(),
});

export const ssoSecretContext = (org: OrganizationId) => `sso client secret of ${org}`;
type Row = typeof staffAuthSettings.$inferSelect;

const toSettings = (row: Row | undefined): StaffAuthSettings => ({
  passkeysRequiredForAdmins: row?.passkeysRequiredForAdmins ?? false,
  sso:
    row?.ssoTenantId && row.ssoClientId
      ? {
          tenantId: row.ssoTenantId,
          clientId: row.ssoClientId,
          authority: row.ssoAuthority,
          jitRole: row.ssoJitRole === 'owner' ? null : row.ssoJitRole,
          hasClientSecret: row.ssoClientSecretKeyId !== null,
        }
      : null,
});

export function staffAuthSettingsRepo({ db, keyring }: RepoContext) {
  const upsert = async (org: OrganizationId, values: Partial<Row>) => {
    const set = { ...values, updatedAt: new Date() };
    const [row] = await db
      .insert(staffAuthSettings)
      .values({ organizationId: org, ...set })
      .onConflictDoUpdate({ target: staffAuthSettings.organizationId, set })
      .returning();
    return toSettings(row);
  };

  return {
    async staffAuthSettings(org: OrganizationId): Promise<StaffAuthSettings> {
      const [row] = await db.select().from(staffAuthSettings).where(eq(staffAuthSettings.organizationId, org));
      return toSettings(row);
    },

    setPasskeysRequired: (org: OrganizationId, required: boolean) =>
      upsert(org, { passkeysRequiredForAdmins: parseInput(z.boolean(), required, 'passkeys required') }),

    /** Sign in with Microsoft on (settings) or off (null). */
    setSsoSettings(org: OrganizationId, input: z.input<typeof ssoSettingsInput> | null): Promise<StaffAuthSettings> {
      if (input === null)
        return upsert(org, {
          ssoTenantId: null,
          ssoClientId: null,
          ssoAuthority: null,
          ssoJitRole: null,
          ssoClientSecretCiphertext: null,
          ssoClientSecretIv: null,
          ssoClientSecretTag: null,
          ssoClientSecretKeyId: null,
        });
      const v = parseInput(ssoSettingsInput, input, 'sign-in with Microsoft settings');
      const secret = v.clientSecret === undefined ? undefined : seal(keyring, v.clientSecret, ssoSecretContext(org));
      return upsert(org, {
        ssoTenantId: v.tenantId.toLowerCase(),
        ssoClientId: v.clientId.toLowerCase(),
        ssoAuthority: v.authority,
        ssoJitRole: v.jitRole,
        ...(secret
          ? {
              ssoClientSecretCiphertext: secret.ciphertext,
              ssoClientSecretIv: secret.iv,
              ssoClientSecretTag: secret.tag,
              ssoClientSecretKeyId: secret.keyId,
            }
          : {}),
      });
    },

    async readSsoClientSecret(org: OrganizationId): Promise<string | null> {
      const [row] = await db.select().from(staffAuthSettings).where(eq(staffAuthSettings.organizationId, org));
      if (!row?.ssoClientSecretCiphertext || !row.ssoClientSecretIv || !row.ssoClientSecretTag) return null;
      if (!row.ssoClientSecretKeyId) return null;
      const sealed = {
        ciphertext: row.ssoClientSecretCiphertext,
        iv: row.ssoClientSecretIv,
        tag: row.ssoClientSecretTag,
        keyId: row.ssoClientSecretKeyId,
      };
      return unseal(keyring, sealed, ssoSecretContext(org));
    },
  };
}
