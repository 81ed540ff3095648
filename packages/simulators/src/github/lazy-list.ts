/** A list whose items are computed on demand: page N costs the same as page 1, whatever the size. */
export interface LazyList<T> {
  readonly length: number;
  at(index: number): T;
}

export function lazyList<T>(length: number, at: (index: number) => T): LazyList<T> {
  return { length: Math.max(0, length), at };
}

export function slice<T>(list: LazyList<T>, start: number, end: number): T[] {
  const out: T[] = [];
  for (let i = Math.max(0, start); i < Math.min(end, list.length); i++) out.push(list.at(i));
  return out;
}

export function toArray<T>(list: LazyList<T>): T[] {
  return slice(list, 0, list.length);
}

/**
 * `k` of `n` positions spread evenly (position r is chosen when floor((r+1)k/n) > floor(rk/n)), with O(1) membership,
 * j-th chosen position and count below a position, so filtered lists page lazily too.
 */
export interface Spread {
  readonly k: number;
  has(r: number): boolean;
  nth(j: number): number;
  countBelow(r: number): number;
}

export function spread(n: number, wanted: number): Spread {
  const k = Math.min(Math.max(0, wanted), n);
  const floorDiv = (a: number, b: number) => Math.floor(a / b);
  return {
    k,
    has: (r) => k > 0 && floorDiv((r + 1) * k, n) > floorDiv(r * k, n),
    nth: (j) => floorDiv((j + 1) * n + k - 1, k) - 1,
    countBelow: (r) => (k === 0 ? 0 : floorDiv(r * k, n)),
  };
}
