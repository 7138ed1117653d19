/** What a compiled expression reads at run time. One scope object per record (no per-expression allocation). */
import type { Attributes, SourceRecord } from '../../directory/types';
import type { ProfileValue } from '../../okta/profile';

export interface EvalScope {
  record: SourceRecord;
  /** record.attributes (lower-cased names) */
  attrs: Attributes;
  /** The Okta profile being built by the steps so far. */
  profile: Record<string, ProfileValue>;
  /** The lookup row being mapped (only inside a lookup step's `map`). */
  row: Record<string, string> | null;
  /** ctx.now as ISO 8601 */
  nowIso: string;
}

export type Ev = (s: EvalScope) => import('./values').Value;
