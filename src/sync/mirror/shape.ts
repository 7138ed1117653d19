/**
 * What the mirror keeps of each Okta user: the profile attributes the configuration maps (the
 * transforms' writes; every attribute when a hook may set any) or matches on, login and email
 * always; and the attributes match rules look up (email, attribute rules).
 */
import type { OktaConfig } from '../../okta/schema';
import type { MirrorShape } from '../../state/okta-mirror';
import type { Pipeline } from '../../transform';

/** The profile attributes the transforms set, sorted; null when a hook runs (it may set any). */
export function mappedAttributes(pipeline: Pick<Pipeline, 'profileWrites' | 'setsUnlistedAttributes'>): string[] | null {
  return pipeline.setsUnlistedAttributes ? null : [...new Set(pipeline.profileWrites.map((w) => w.attribute))].sort();
}

export function mirrorShape(okta: Pick<OktaConfig, 'match'>, pipeline: Pick<Pipeline, 'profileWrites' | 'setsUnlistedAttributes'>): MirrorShape {
  const indexed = new Set<string>();
  for (const r of okta.match) {
    if (r.by === 'email') indexed.add('email');
    if (r.by === 'attribute') indexed.add(r.attribute);
  }
  const mapped = mappedAttributes(pipeline);
  const attributes = mapped === null ? null : [...new Set(['login', 'email', ...mapped, ...indexed])].sort();
  return { attributes, indexed: [...indexed].sort() };
}
