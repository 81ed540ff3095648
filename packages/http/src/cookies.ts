/** The session cookie: `__Host-` (Secure, path /, no domain) when served over TLS. */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-evident_session' : 'evident_session';
}

/** The ceremony cookie (a passkey challenge, an OpenID Connect state): binds a sign-in in flight to this browser. */
export function flowCookieName(secure: boolean): string {
  return secure ? '__Host-evident_flow' : 'evident_flow';
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : null;
    }
  }
  return null;
}

export function sessionCookie(name: string, token: string | null, maxAgeMs: number, secure: boolean): string {
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])];
  if (token === null) return [`${name}=`, 'Max-Age=0', ...attributes].join('; ');
  return [`${name}=${token}`, `Max-Age=${Math.floor(maxAgeMs / 1000)}`, ...attributes].join('; ');
}
