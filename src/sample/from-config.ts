/**
 * What the sample takes from the transforms: the words they test, and the regions of their phone
 * steps.
 *
 * Literals: every run of letters or digits in the transforms' strings (templates, conditions,
 * patterns: `startsWith(uid, 'svc-')` gives `startswith`, `uid`, `svc`; `{uid}@corp.com` gives
 * `corp` and `com`, so a generated login and a sampled e-mail still collide as they did), but
 * the steps' names and skip reasons, which are never compared with data. A run of a value that is
 * one of them is kept as it is, so a rule that tests a literal fires on the sample as it does on
 * the directory (a service account's `svc-` prefix stays); these are the configuration's words,
 * not the directory's.
 *
 * A phone value's validity class, what the phone steps of the transforms react to: under each
 * region the configuration's `normalize.phone` steps name (and with no region: international
 * numbers only), whether the value is not a number (`n`), valid but not yet E.164 (`v`), already
 * E.164 (`e`), with an extension (`x`); and whether it has white space around it. A pseudonym of a
 * phone keeps the class, so the share of invalid and rewritten phones stays what it was.
 */
import { toE164 } from '../transform/text/phone';
import { foldRun } from './letters';

/** Strings that name a step or explain it: never compared with data. */
const NOT_TESTED = new Set(['name', 'reason']);

/** Folded runs of letters or digits in the strings of the transforms (see the file comment; step names and skip reasons left out). */
export function configLiterals(transforms: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (node: unknown) => {
    if (typeof node === 'string') {
      for (const run of node.normalize('NFD').match(/[\p{L}\p{M}]+|\p{Nd}+/gu) ?? []) out.add(foldRun(run));
    } else if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) if (!NOT_TESTED.has(k)) walk(v);
  };
  walk(transforms);
  return out;
}

/** The fixed regions (`region: US`) of the configuration's phone steps; templates are left out. */
export function phoneRegionsOf(transforms: unknown): string[] {
  const found = new Set<string>();
  const walk = (node: unknown, underPhone: boolean) => {
    if (Array.isArray(node)) {
      for (const x of node) walk(x, underPhone);
      return;
    }
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (underPhone && k === 'region' && typeof v === 'string' && /^[A-Za-z]{2}$/.test(v)) found.add(v.toUpperCase());
      else walk(v, underPhone || k === 'phone');
    }
  };
  walk(transforms, false);
  return [...found].sort();
}

export function phoneClassifier(regions: readonly string[]): (raw: string) => string {
  const all: (string | undefined)[] = [...regions, undefined];
  return (raw) =>
    all
      .map((r) => {
        const x = toE164(raw, r);
        return x.e164 === null ? 'n' : (x.e164 === raw.trim() ? 'e' : 'v') + (x.ext ? 'x' : '');
      })
      .join('') + (raw === raw.trim() ? '' : 's');
}
