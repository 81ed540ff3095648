/**
 * Deterministic randomness without state: every value is a pure function of the seed and a key, so page N of a
 * 300,000-user tenant can be generated without generating pages 1..N-1.
 */
const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a of `text`, continuing from the hash `h` of whatever came before it. */
function fnv1a(text: string, h = FNV_OFFSET): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mix(x: number): number {
  let z = (x + 0x6d2b79f5) | 0;
  z = Math.imul(z ^ (z >>> 15), z | 1);
  z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
  return (z ^ (z >>> 14)) >>> 0;
}

/** A number in [0, 1) fixed by the seed and the key parts. */
export function unit(seed: number, ...key: (string | number)[]): number {
  return mix(fnv1a(`${seed}:${key.join(':')}`)) / 4294967296;
}

/**
 * `unit(seed, ...key, what)` for many `what` of one key: the key's part of the hash is worked out once, and each
 * value is the one `unit` gives.
 */
export function unitsOf(seed: number, ...key: (string | number)[]): (what: string | number) => number {
  const prefix = fnv1a(key.length > 0 ? `${seed}:${key.join(':')}:` : `${seed}:`);
  return (what) => mix(fnv1a(String(what), prefix)) / 4294967296;
}

/** An integer in [0, n). */
export function below(n: number, seed: number, ...key: (string | number)[]): number {
  return Math.floor(unit(seed, ...key) * n);
}

/** Picks by weight: `{ a: 0.7, b: 0.3 }`. */
export function weighted<K extends string>(weights: Record<K, number>, seed: number, ...key: (string | number)[]): K {
  const entries = Object.entries(weights) as [K, number][];
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let r = unit(seed, ...key) * total;
  for (const [k, w] of entries) {
    r -= w;
    if (r < 0) return k;
  }
  return entries[entries.length - 1]![0];
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** A GUID-shaped id fixed by the key, as Microsoft's object ids look. */
export function guid(seed: number, ...key: (string | number)[]): string {
  const prefix = fnv1a(`${seed}:${key.join(':')}:`);
  const hex = (i: number) => {
    const x = mix(fnv1a(String(i), prefix));
    return HEX[x >>> 24]! + HEX[(x >>> 16) & 0xff]! + HEX[(x >>> 8) & 0xff]! + HEX[x & 0xff]!;
  };
  const h = hex(0) + hex(1) + hex(2) + hex(3);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
