/**
 * A fingerprint of the configuration that shapes what a run computes (source scope and attributes,
 * transforms, groups, lifecycle policy). It is stored with the watermark: when it changes, records
 * that did not change in the directory may still need new Okta values, so the next run is a full
 * run. (Lookup files changing on disk are not covered: the scheduled full runs pick those up.)
 * The parts (one hash per key) are stored too, so that the run can say which keys changed.
 */
import { createHash } from 'node:crypto';
import type { RunConfig } from './schema';

/** What shapes a run, by key path: each key of `source:` (but the password, timeouts and page size), transforms, groups, lifecycle. */
function relevant(config: RunConfig) {
  const { source, transforms, groups, lifecycle } = config;
  return {
    source: { ...source, bindPassword: undefined, connectTimeoutMs: undefined, timeoutMs: undefined, pageSize: undefined },
    transforms,
    groups,
    lifecycle,
  };
}

const hash = (v: unknown) =>
  createHash('sha256')
    .update(JSON.stringify(v) ?? 'undefined')
    .digest('hex')
    .slice(0, 16);

export function configFingerprint(config: RunConfig): string {
  return hash(relevant(config));
}

/** The fingerprint key by key (`source.bindDn`, `transforms`, …): what {@link changedParts} compares. */
export function configFingerprintParts(config: RunConfig): Record<string, string> {
  const { source, ...rest } = relevant(config);
  const parts: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) if (v !== undefined) parts[`source.${k}`] = hash(v);
  for (const [k, v] of Object.entries(rest)) parts[k] = hash(v);
  return parts;
}

/** The keys whose part differs (added, removed or changed), sorted. */
export function changedParts(before: Readonly<Record<string, string>>, now: Readonly<Record<string, string>>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(now)]);
  return [...keys].filter((k) => before[k] !== now[k]).sort();
}
