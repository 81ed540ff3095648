import { type Jwks, jwks, type VerifyReport } from '@evident/evidence/verify';

/** Whose keys a pack is checked against: what decides whether the page may name who signed it. */
export type KeySource =
  | { kind: 'pack' }
  | { kind: 'org'; orgId: string }
  | { kind: 'url'; url: string }
  | { kind: 'pasted'; text: string };

export interface PinnedKeys {
  keys: Jwks;
  /** Where the keys came from, in words. */
  label: string;
  /** The organization whose keys this server published, when they came from its well-known address. */
  orgId?: string;
}

const WELL_KNOWN = /^\/\.well-known\/evident\/keys\/([^/]+)\.json$/;
export const wellKnownKeys = (orgId: string) => `/.well-known/evident/keys/${encodeURIComponent(orgId)}.json`;

function parseKeys(text: string): Jwks | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'is not JSON';
  }
  const set = jwks.safeParse(value);
  if (set.success) return set.data;
  const single = jwks.safeParse({ keys: [value] });
  if (single.success) return single.data;
  return 'is neither a JWK set nor a JWK';
}

/** Fetched from this server only (the page's policy allows no other): a link cannot point it at a forger's keys. */
async function fetchKeys(path: string, origin: string): Promise<{ pinned: PinnedKeys } | { error: string }> {
  let url: URL;
  try {
    url = new URL(path, origin);
  } catch {
    return { error: `${path} is not a URL` };
  }
  if (url.origin !== origin) return { error: `${path} is not on this server: paste those keys instead` };
  const org = WELL_KNOWN.exec(url.pathname)?.[1];
  const orgId = org ? decodeURIComponent(org) : undefined;
  const label = orgId ? `the keys this server publishes for organization ${orgId}` : `the keys at ${url.pathname}`;
  const response = await fetch(url, { credentials: 'omit' }).catch(() => null);
  if (!response) return { error: `${label} could not be fetched` };
  if (!response.ok)
    return {
      error:
        response.status === 404
          ? `this server publishes no such keys (${url.pathname})`
          : `${label}: HTTP ${response.status}`,
    };
  const keys = parseKeys(await response.text());
  if (typeof keys === 'string') return { error: `${label} ${keys}` };
  return { pinned: { keys, label, ...(orgId ? { orgId } : {}) } };
}

/** The keys to pin for this source; `packOrg` is the organization the pack's manifest names. */
export async function loadKeys(
  source: KeySource,
  packOrg: string | undefined,
  origin: string,
): Promise<{ pinned: PinnedKeys } | { error: string }> {
  switch (source.kind) {
    case 'pack':
      if (!packOrg) return { error: 'the pack names no organization' };
      return fetchKeys(wellKnownKeys(packOrg), origin);
    case 'org':
      return fetchKeys(wellKnownKeys(source.orgId), origin);
    case 'url':
      return fetchKeys(source.url, origin);
    case 'pasted': {
      const keys = parseKeys(source.text);
      if (typeof keys === 'string') return { error: `the pasted keys: ${keys}` };
      return { pinned: { keys, label: 'the keys you pasted' } };
    }
  }
}

export interface Verdict {
  tone: 'pass' | 'unknown' | 'fail';
  headline: string;
  explanation: string;
  problems: string[];
}

/**
 * `own` checks the pack against its own keys (integrity); `pinned` against the pinned keys (who signed). Only a
 * signature by a pinned key, of the organization those keys belong to, names the signer; the pack's keys.json is
 * not signed, so a pinned signature holds without it.
 */
export function verdict(
  own: VerifyReport,
  pinned: VerifyReport | null,
  keys: { pinned: PinnedKeys } | { error: string },
): Verdict {
  const m = pinned?.manifest;
  const orgMatches = 'pinned' in keys && (keys.pinned.orgId === undefined || keys.pinned.orgId === m?.organization.id);
  if (pinned?.ok && m && orgMatches && 'pinned' in keys)
    return {
      tone: 'pass',
      headline: `signed by ${m.organization.name}`,
      explanation: `Every file matches the manifest, and the manifest is signed with key ${pinned.kid}, one of ${keys.pinned.label}.`,
      problems: [],
    };
  if (!own.ok || !own.manifest)
    return {
      tone: 'fail',
      headline: 'FAILED',
      explanation: 'The pack does not match its signed manifest: it was changed or damaged after it was made.',
      problems: own.problems,
    };
  const intact =
    'The files are intact: each matches the manifest, and the manifest matches the signature the pack carries.';
  const why =
    'error' in keys
      ? `the organization's keys could not be loaded (${keys.error})`
      : orgMatches
        ? `that signature was not made with any of ${keys.pinned.label}`
        : `the pack names organization ${own.manifest.organization.id}, not ${keys.pinned.orgId} whose keys were given`;
  return {
    tone: 'unknown',
    headline: 'NOT verified: unknown signer',
    explanation: `${intact} But ${why}, so who signed this pack is not known: it may have been changed and signed again by someone else.`,
    problems: [],
  };
}
