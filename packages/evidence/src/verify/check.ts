import { base64url, compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { ENVELOPE, type Jwks, jwks, KEYS, MANIFEST, type Manifest, manifest, SIGNATURE } from './manifest.ts';
import type { PackReading } from './read-zip.ts';

export interface VerifyOptions {
  /** Keys to trust, e.g. those the organization publishes; without them, the pack's own keys.json is used. */
  trustedKeys?: Jwks;
  /** Where `trustedKeys` came from, for the messages. */
  keySource?: string;
}

export interface VerifyReport {
  /** True only when every file, the manifest and the signature hold. */
  ok: boolean;
  problems: string[];
  notes: string[];
  manifest?: Manifest;
  kid?: string;
}

const decoder = new TextDecoder();

function parseJson<T>(bytes: Uint8Array | undefined, parse: (v: unknown) => T): T | string {
  if (!bytes) return 'is missing from the pack';
  try {
    return parse(JSON.parse(decoder.decode(bytes)));
  } catch {
    return 'is not valid JSON of the expected shape';
  }
}

/** Every entry against the manifest: changed, resized, missing, extra or unreadable (names are unique by now). */
function checkFiles(reading: PackReading, m: Manifest): string[] {
  const problems: string[] = [];
  const seen = new Set(reading.entries.map((e) => e.name));
  const listed = new Map(m.files.map((f) => [f.path, f]));
  for (const e of reading.entries) {
    const expected = listed.get(e.name);
    if (e.error) problems.push(`${e.name}: cannot be read (${e.error})`);
    else if (!expected) {
      if (!ENVELOPE.includes(e.name)) problems.push(`${e.name}: in the pack but not listed in the manifest`);
    } else if (e.size !== expected.size)
      problems.push(`${e.name}: ${e.size} bytes, the manifest says ${expected.size}: the file was changed`);
    else if (e.sha256 !== expected.sha256)
      problems.push(
        `${e.name}: SHA-256 ${e.sha256} does not match the manifest's ${expected.sha256}: the file was changed`,
      );
  }
  for (const f of m.files)
    if (!seen.has(f.path)) problems.push(`${f.path}: listed in the manifest but missing from the pack`);
  return problems;
}

async function checkSignature(
  manifestBytes: Uint8Array,
  signature: string,
  keys: Jwks,
  from: string,
): Promise<{ problem?: string; kid?: string }> {
  const [header, payload, sig, ...rest] = signature.trim().split('.');
  if (!header || payload !== '' || !sig || rest.length > 0)
    return { problem: `${SIGNATURE}: not a detached compact JWS (header..signature)` };
  let kid: string | undefined;
  try {
    const h = decodeProtectedHeader(signature.trim());
    kid = typeof h.kid === 'string' ? h.kid : undefined;
    if (h.alg !== 'EdDSA' && h.alg !== 'Ed25519') return { problem: `${SIGNATURE}: algorithm ${h.alg} is not Ed25519` };
  } catch {
    return { problem: `${SIGNATURE}: its header cannot be read` };
  }
  if (!kid) return { problem: `${SIGNATURE}: names no key id` };
  const jwk = keys.keys.find((k) => k.kid === kid);
  const held = keys.keys.map((k) => k.kid ?? '(no id)').join(', ') || 'none';
  if (!jwk) return { kid, problem: `signature: made with key ${kid}, which is not among ${from} (${held})` };
  try {
    const key = await importJWK(jwk as JWK, 'EdDSA');
    await compactVerify(`${header}.${base64url.encode(manifestBytes)}.${sig}`, key);
    return { kid };
  } catch {
    return {
      kid,
      problem: `signature: does not verify with key ${kid} from ${from}: the manifest was changed or signed with another key`,
    };
  }
}

/** Checks a read pack; all problems are listed, not just the first. */
export async function checkPack(reading: PackReading, options: VerifyOptions = {}): Promise<VerifyReport> {
  if (reading.refused) return { ok: false, problems: reading.refused.map((p) => `zip refused: ${p}`), notes: [] };
  if (reading.entries.length === 0) return { ok: false, problems: ['the pack holds no file'], notes: [] };
  const problems: string[] = [];
  const notes: string[] = [];
  const m = parseJson(reading.envelope.get(MANIFEST), (v) => manifest.parse(v));
  if (typeof m === 'string') return { ok: false, problems: [`${MANIFEST}: ${m}`], notes };
  problems.push(...checkFiles(reading, m));
  const signature = reading.envelope.get(SIGNATURE);
  let kid: string | undefined;
  if (!signature) problems.push(`${SIGNATURE}: is missing from the pack`);
  else {
    let keys: Jwks | string;
    let from: string;
    if (options.trustedKeys) {
      keys = options.trustedKeys;
      from = `the keys given (${options.keySource ?? 'trusted keys'})`;
    } else {
      keys = parseJson(reading.envelope.get(KEYS), (v) => jwks.parse(v));
      from = `the pack's ${KEYS}`;
      notes.push(
        `the signing key was taken from the pack itself: pin the organization's published keys (--key) to rule out a pack re-signed with another key`,
      );
    }
    if (typeof keys === 'string') problems.push(`${KEYS}: ${keys}`);
    else {
      const outcome = await checkSignature(reading.envelope.get(MANIFEST)!, decoder.decode(signature), keys, from);
      kid = outcome.kid;
      if (outcome.problem) problems.push(outcome.problem);
    }
  }
  if (!m.auditChain.valid) notes.push('the audit chain of the organization was broken when the pack was made');
  return { ok: problems.length === 0, problems, notes, manifest: m, ...(kid ? { kid } : {}) };
}
