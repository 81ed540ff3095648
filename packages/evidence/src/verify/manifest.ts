import { z } from 'zod';

/** The files that wrap a pack: the manifest, its detached signature and the public keys. Every other file is hashed. */
export const MANIFEST = 'manifest.json';
export const SIGNATURE = 'manifest.jws';
export const KEYS = 'keys.json';
export const ENVELOPE: readonly string[] = [MANIFEST, SIGNATURE, KEYS];

export const PACK_FORMAT = 'evident-evidence-pack/1';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const manifestFile = z.object({ path: z.string().min(1), sha256, size: z.number().int().nonnegative() });
export type ManifestFile = z.infer<typeof manifestFile>;

export const manifest = z.object({
  format: z.literal(PACK_FORMAT),
  organization: z.object({ id: z.string(), name: z.string() }),
  tenant: z.object({ id: z.string(), name: z.string() }),
  /** A point in time has no `from`: the tenant's latest assessment as of `to`. */
  period: z.object({ from: z.string().nullable(), to: z.string() }),
  generatedAt: z.string(),
  generator: z.object({ name: z.string(), version: z.string() }),
  catalog: z.object({
    /** SHA-256 over the catalog's controls, requirements and mappings: changes whenever any of them does. */
    fingerprint: sha256,
    controls: z.number().int(),
    frameworks: z.array(z.object({ id: z.string(), version: z.string() })),
  }),
  /** The head of the organization's audit chain when the pack was made; null before its first event. */
  auditChain: z.object({ head: sha256.nullable(), events: z.number().int(), valid: z.boolean() }),
  assessments: z.array(z.string()),
  /** The collections identities.csv and log-sources.csv were read from: each connection's latest at generation. */
  collections: z.array(z.object({ id: z.string(), connectionId: z.string(), finishedAt: z.string() })),
  files: z.array(manifestFile),
});
export type Manifest = z.infer<typeof manifest>;

export const jwks = z.object({
  keys: z.array(z.looseObject({ kty: z.string(), kid: z.string().optional() })),
});
export type Jwks = z.infer<typeof jwks>;
