/**
 * Drift: what Okta has for a managed user differs from what the directory wants on an attribute
 * the transforms set, although the agent applied it (someone edited the user in Okta). Pure.
 *
 * The attributes compared are those the transforms may set (`mapped`; with a hook, which may set
 * anything, those this record has or had). An attribute the directory leaves empty that Okta has a
 * value for has drifted too (it is cleared). Attributes the transforms never set are never
 * compared, so never touched.
 */
import { profileValuesEqual, type Profile } from '../../okta/profile';
import type { AttributeChange } from './types';

/** The drifted attributes (before: Okta's value, after: the directory's), leaving out those in `skip` (changed by the directory anyway). */
export function driftChanges(
  okta: Profile,
  desired: Profile,
  applied: Profile | null,
  mapped: readonly string[] | null,
  skip: ReadonlySet<string>,
): AttributeChange[] {
  const names = mapped ?? [...new Set([...Object.keys(desired), ...Object.keys(applied ?? {})])];
  const out: AttributeChange[] = [];
  for (const attribute of names) {
    if (skip.has(attribute)) continue;
    const want = desired[attribute] ?? null;
    const have = okta[attribute] ?? null;
    if (!profileValuesEqual(have, want)) out.push({ attribute, before: have, after: want });
  }
  return out;
}
