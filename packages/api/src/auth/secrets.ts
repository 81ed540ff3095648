import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { Secret, TOTP } from 'otpauth';
import qrcode from 'qrcode-generator';
import { type PasswordWorkLimit, passwordWorkGate } from './password-work.ts';

/** argon2id (the library's `Algorithm.Argon2id`, a const enum isolated modules cannot read) at OWASP's settings. */
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** One gate per process, whatever calls argon2: sign-in, sign-up, invitations, resets. */
const gate = passwordWorkGate({ concurrent: 2, waiting: 32 });

/** The host sets the cap from its configuration at start. */
export const limitPasswordWork = (limit: PasswordWorkLimit) => gate.setLimit(limit);

export const hashPassword = (password: string) => gate.run(() => hash(password, ARGON2));

/** Verifies against a hash; a corrupt hash is a refusal, never an exception that reveals the account exists. */
export const verifyPassword = (stored: string, password: string) =>
  gate.run(() => verify(stored, password).catch(() => false));

/** A hash to verify against when the account does not exist, so the answer takes as long either way. */
let decoy: Promise<string> | undefined;
export const decoyHash = () => {
  decoy ??= hash(randomBytes(16).toString('hex'), ARGON2);
  return decoy;
};

/** 256 random bits, URL-safe: session ids, share and invitation tokens. */
export const randomToken = () => randomBytes(32).toString('base64url');

/** Ten codes of 10 base-32 characters (50 bits each), grouped for reading: `k3m9p-2xq7d`. */
export function recoveryCodes(): string[] {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return Array.from({ length: 10 }, () => {
    const chars = [...randomBytes(10)].map((b) => alphabet[b % alphabet.length]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

export const normaliseRecoveryCode = (code: string) =>
  code
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

const PERIOD_MS = 30_000;

const totp = (secret: string, issuer: string, label: string) =>
  new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_MS / 1000,
    secret: Secret.fromBase32(secret),
  });

/** The 30-second time step `at` falls in (the TOTP counter). */
export const totpStepAt = (at: Date) => Math.floor(at.getTime() / PERIOD_MS);

/**
 * The time step whose code `code` is, when it is the code of the current step or the one either side (clock
 * drift); null when it is none of them. The caller spends the step, so each code is accepted once.
 */
export function matchTotp(secret: string, code: string, at: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secret, 'x', 'x').validate({ token: code, timestamp: at.getTime(), window: 1 });
  return delta === null ? null : totpStepAt(at) + delta;
}

/** The code an authenticator shows now: for the local demo's `evident totp --demo`, and tests. */
export function currentTotpCode(secret: string, at: Date = new Date()): string {
  return totp(secret, 'x', 'x').generate({ timestamp: at.getTime() });
}

/** The code of time step `step`. */
export const totpCodeForStep = (secret: string, step: number) => currentTotpCode(secret, new Date(step * PERIOD_MS));

/** The `otpauth://` URI and a QR code of it as an SVG, for enrolment. */
export function totpEnrolment(secret: string, issuer: string, label: string): { uri: string; qrSvg: string } {
  const uri = totp(secret, issuer, label).toString();
  const qr = qrcode(0, 'M');
  qr.addData(uri);
  qr.make();
  return { uri, qrSvg: qr.createSvgTag({ cellSize: 4, margin: 4, scalable: true }) };
}
