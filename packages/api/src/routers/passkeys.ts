import { idSchema, isoDateTime } from '@evident/core';
import type { StoredPasskey } from '@evident/db';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { z } from 'zod';
import {
  beginPasswordless,
  beginRegistration,
  beginSecondFactor,
  finishPasswordless,
  finishRegistration,
  finishSecondFactor,
  renamePasskey,
  revokePasskey,
} from '../auth/passkeys.ts';
import { revokeStaffPasskeys, setPasskeysRequired, staffPasskeys } from '../auth/staff-passkeys.ts';
import { pendingProcedure, publicProcedure, roleProcedure, router, staffProcedure } from '../trpc.ts';
import { OK, ok } from './shapes.ts';

const b64url = z
  .string()
  .max(16_000)
  .regex(/^[A-Za-z0-9_-]*$/, 'base64url');
const transports = z.array(z.enum(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'])).max(10);
const common = {
  id: b64url.min(16),
  rawId: b64url.min(16),
  type: z.literal('public-key'),
  clientExtensionResults: z.record(z.string(), z.unknown()),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
};

/** What `navigator.credentials.create()` gives, as `@simplewebauthn/browser` sends it. */
const registrationResponse: z.ZodType<RegistrationResponseJSON> = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64url,
    attestationObject: b64url,
    authenticatorData: b64url.optional(),
    transports: transports.optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: b64url.optional(),
  }),
});

/** What `navigator.credentials.get()` gives. */
const authenticationResponse: z.ZodType<AuthenticationResponseJSON> = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64url,
    authenticatorData: b64url,
    signature: b64url,
    userHandle: b64url.optional(),
  }),
});

const creationOptions = z.custom<PublicKeyCredentialCreationOptionsJSON>(
  (v) => typeof v === 'object' && v !== null && 'challenge' in v && 'rp' in v,
);
const requestOptions = z.custom<PublicKeyCredentialRequestOptionsJSON>(
  (v) => typeof v === 'object' && v !== null && 'challenge' in v,
);

const passkeyName = z.string().trim().min(1).max(100);
const passkeyId = z.string().regex(/^pky_[0-9a-z]{26}$/);

const passkeyOut = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: isoDateTime,
  lastUsedAt: isoDateTime.nullable(),
  synced: z.boolean(),
});
const toPasskeyOut = (p: StoredPasskey): z.infer<typeof passkeyOut> => ({
  id: p.id,
  name: p.name,
  createdAt: p.createdAt,
  lastUsedAt: p.lastUsedAt,
  synced: p.backedUp,
});

export const passkeysRouter = router({
  list: staffProcedure
    .output(z.array(passkeyOut))
    .query(async ({ ctx }) =>
      (await ctx.deps.store.listPasskeys(ctx.staff.organizationId, ctx.staff.user.id)).map(toPasskeyOut),
    ),

  /** Signed in, or asked to enrol one after TOTP because the organization requires it. */
  beginRegistration: pendingProcedure.output(creationOptions).mutation(({ ctx }) => beginRegistration(ctx, ctx.caller)),

  finishRegistration: pendingProcedure
    .input(z.object({ name: passkeyName, response: registrationResponse }))
    .output(passkeyOut)
    .mutation(async ({ ctx, input }) => toPasskeyOut(await finishRegistration(ctx, ctx.caller, input))),

  rename: staffProcedure
    .input(z.object({ id: passkeyId, name: passkeyName }))
    .output(passkeyOut)
    .mutation(async ({ ctx, input }) => toPasskeyOut(await renamePasskey(ctx, ctx.staff, input.id, input.name))),

  revoke: staffProcedure
    .input(z.object({ id: passkeyId }))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await revokePasskey(ctx, ctx.staff, input.id);
      return OK;
    }),

  /** After the password: the user's own passkey as the second factor. */
  beginSecondFactor: pendingProcedure.output(requestOptions).mutation(({ ctx }) => beginSecondFactor(ctx, ctx.caller)),

  finishSecondFactor: pendingProcedure
    .input(z.object({ response: authenticationResponse }))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await finishSecondFactor(ctx, ctx.caller, input.response);
      return OK;
    }),

  /** No password: a discoverable passkey with user verification is both factors. */
  beginPasswordless: publicProcedure.output(requestOptions).mutation(({ ctx }) => beginPasswordless(ctx)),

  finishPasswordless: publicProcedure
    .input(z.object({ response: authenticationResponse }))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await finishPasswordless(ctx, input.response);
      return OK;
    }),

  policy: staffProcedure.output(z.object({ requiredForAdmins: z.boolean() })).query(async ({ ctx }) => ({
    requiredForAdmins: (await ctx.deps.store.staffAuthSettings(ctx.staff.organizationId)).passkeysRequiredForAdmins,
  })),

  /** Owners and admins must then sign in with a passkey; those without one enrol it after their TOTP code. */
  setPolicy: roleProcedure('owner')
    .input(z.object({ requiredForAdmins: z.boolean() }))
    .output(z.object({ requiredForAdmins: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const { settings } = await setPasskeysRequired(ctx, input.requiredForAdmins);
      return { requiredForAdmins: settings.passkeysRequiredForAdmins };
    }),

  /** Another staff member's passkeys, for an owner or admin deciding what to revoke. */
  ofStaff: roleProcedure('admin')
    .input(z.object({ userId: idSchema('usr') }))
    .output(z.array(passkeyOut))
    .query(async ({ ctx, input }) => (await staffPasskeys(ctx, input.userId)).map(toPasskeyOut)),

  /** A lost device: every passkey of another staff member of no higher rank is revoked, and their sessions end. */
  revokeOfStaff: roleProcedure('admin')
    .input(z.object({ userId: idSchema('usr') }))
    .output(z.object({ revoked: z.array(z.string()) }))
    .mutation(async ({ ctx, input }) => ({
      revoked: (await revokeStaffPasskeys(ctx, input.userId)).map((p) => p.name),
    })),
});
