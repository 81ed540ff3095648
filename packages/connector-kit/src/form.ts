/**
 * How a field of a connector's config or secret schema is typed in by a person. Carried to the browser as the JSON
 * Schema keyword `x-field` (zod's `.meta()` copies it into `z.toJSONSchema`).
 * - `secret`: a password field, never filled back; `pem`, `json`: pasted multi-line text (a key, a key file);
 * - `lines`: a list, one entry per line; `url`, `host-port`: an address;
 * - `endpoints`: the overrides object, shown only where the deployment allows endpoints besides the providers'.
 */
export type FieldKind = 'text' | 'secret' | 'pem' | 'json' | 'lines' | 'url' | 'host-port' | 'endpoints';

export interface FieldSpec {
  /** The label, in words: "Tenant ID", never `tenantId`. */
  title: string;
  /** One or two sentences under the field: what to enter and where to find it. */
  help: string;
  examples?: readonly (string | number | boolean)[];
  kind?: FieldKind;
}

/** Metadata for `.meta()`: a field's title, help text, examples and kind. */
export function field({ title, help, examples, kind }: FieldSpec) {
  return {
    title,
    description: help,
    ...(examples ? { examples: [...examples] } : {}),
    ...(kind ? { 'x-field': kind } : {}),
  };
}

export interface ProviderSpec {
  /** The provider's name as people know it: "Microsoft Entra ID". */
  title: string;
  /** What the connection reads, in one sentence. */
  summary: string;
  /** What the credential needs: roles, permissions, licences. */
  needs: readonly string[];
  /** The exact commands that create the credential (`az`, `gh`, `gcloud`), in order. */
  commands: readonly string[];
}

/** Metadata for `.meta()` on a connector's config schema: the provider's name and what a connection needs. */
export function provider({ title, summary, needs, commands }: ProviderSpec) {
  return { title, description: summary, 'x-provider': { needs: [...needs], commands: [...commands] } };
}
