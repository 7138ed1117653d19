import { createRng as createBaseRng } from '../../../src/util/rng';

/** Deterministic pseudo-random numbers (mulberry32): the same seed gives the same data on every machine. */
export interface Rng {
  /** [0, 1) */
  next(): number;
  /** integer in [0, n) */
  int(n: number): number;
  pick<T>(list: readonly T[]): T;
  /** list item chosen by weight */
  weighted<T>(list: readonly T[], weight: (t: T) => number): T;
  /** n random decimal digits */
  digits(n: number): string;
  /** n random lowercase hex characters */
  hex(n: number): string;
}

export function createRng(seed: number): Rng {
  const next = createBaseRng(seed);
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    pick: <T>(list: readonly T[]): T => {
      if (!list.length) throw new Error('pick from an empty list');
      return list[int(list.length)];
    },
    weighted: <T>(list: readonly T[], weight: (t: T) => number): T => {
      const total = list.reduce((s, t) => s + weight(t), 0);
      let r = next() * total;
      for (const t of list) {
        r -= weight(t);
        if (r < 0) return t;
      }
      return list[list.length - 1];
    },
    digits: (n: number): string => Array.from({ length: n }, () => String(int(10))).join(''),
    hex: (n: number): string => Array.from({ length: n }, () => int(16).toString(16)).join(''),
  };
}

/** Replaces each {N} in a pattern with N random digits. */
export function fillDigits(rng: Rng, pattern: string): string {
  return pattern.replace(/\{(\d+)\}/g, (_m, n: string) => rng.digits(Number(n)));
}
