/** Longest provider text kept in a gap or message. */
export const MAX_PROVIDER_TEXT = 500;

const PATTERNS: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[redacted key]'],
  [/\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g, '[redacted token]'],
  [/\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g, '[redacted token]'],
  [/\b(bearer|token|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]'],
  [
    /("?(?:client_?secret|secret|password|passwd|token|access_token|refresh_token|api_?key|private_?key|assertion|code|sig|signature)"?\s*[:=]\s*)("[^"]*"|[^\s&,;"']+)/gi,
    '$1[redacted]',
  ],
  [/\/\/[^/\s:@]+:[^/\s@]+@/g, '//[redacted]@'],
  [/\b[A-Za-z0-9+/_-]{40,}={0,2}/g, '[redacted]'],
];

/**
 * Provider text as it may be copied into a gap or a message: anything shaped like a credential (tokens, JWTs,
 * private keys, `secret=…`, URL user info, long opaque strings) replaced, and the whole capped.
 */
export function redactProviderText(text: string, max = MAX_PROVIDER_TEXT): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}
