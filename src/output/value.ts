/** The one way reports show a profile value. */
import type { ProfileValue } from '../okta/profile';

/** Strings quoted (stray spaces show), lists in brackets, ∅ = no value (absent, or null: cleared). */
export function showValue(v: ProfileValue | undefined): string {
  if (v === undefined || v === null) return '∅';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => JSON.stringify(x)).join(', ')}]`;
  return String(v);
}
