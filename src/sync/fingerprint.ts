/**
 * A fingerprint of the configuration that shapes what a run computes (source scope and attributes,
 * transforms, groups, lifecycle policy). It is stored with the watermark: when it changes, records
 * that did not change in the directory may still need new Okta values, so the next run is a full
 * run. (Lookup files changing on disk are not covered: the scheduled full runs pick those up.)
 */
import { createHash } from 'node:crypto';
import type { RunConfig } from './schema';

export function configFingerprint(config: RunConfig): string {
  const { source, transforms, groups, lifecycle } = config;
  const relevant = {
    source: { ...source, bindPassword: undefined, connectTimeoutMs: undefined, timeoutMs: undefined, pageSize: undefined },
    transforms,
    groups,
    lifecycle,
  };
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex').slice(0, 16);
}
