/**
 * Issue 9 item 17: messages that say what is true. The summary line's write rate counts the writes
 * it stands next to (all Okta writes, not the users' alone); a configuration change that forces a
 * full run names the keys that changed (a bindDn is not "scope, attributes, transforms, groups or
 * lifecycle"). `status` during a live run: test/e2e/bad-input/cli.test.ts.
 */
import { canResume } from '../../../src/directory/checkpoint';
import type { Checkpoint } from '../../../src/directory/source';
import { summaryLine } from '../../../src/output/report';
import { configFingerprint, configFingerprintParts } from '../../../src/sync/fingerprint';
import { decideMode, type Watermark } from '../../../src/sync/plan-phase';
import { emptyReport } from '../../../src/sync/report';
import type { RunConfig } from '../../../src/sync/schema';

test('the summary line: the write rate is of the writes it reports (users and groups alike)', () => {
  const r = emptyReport(7, 'full', new Date('2026-01-01T00:00:00Z'));
  r.outcome = 'ok';
  r.durationMs = 100_000;
  r.counts = { created: 150, linked: 0, updated: 50 };
  r.okta = { requests: 900, writes: 800, retries: 0, rateLimited: 0, rateLimitWaitMs: 0, errors: {} };
  const line = summaryLine(r);
  expect(line).toContain('900 Okta requests (800 writes, 0 rate-limited) in 100.0 s (8 writes/s)');
});

describe('a configuration change that forces a full run says which keys changed', () => {
  const checkpoint: Checkpoint = { kind: 'ldap-csn', csn: '20260101000000.000000Z#000000#000#000000' };
  const later: Checkpoint = { kind: 'ldap-csn', csn: '20260102000000.000000Z#000000#000#000000' };
  const config = (over: Partial<Record<string, unknown>> = {}): RunConfig =>
    ({
      source: { type: 'ldap', url: 'ldap://dc1', bindDn: 'cn=svc,dc=corp', users: { baseDns: ['dc=corp'] }, pageSize: 500, ...over },
      transforms: [{ map: { login: '{mail}' } }],
      lifecycle: { disabled: 'suspend' },
    }) as unknown as RunConfig;
  const watermark = (c: RunConfig): Watermark => ({ checkpoint, fingerprint: configFingerprint(c), parts: configFingerprintParts(c) });

  test('a new bindDn: "source.bindDn", not scope, attributes, transforms, groups or lifecycle', () => {
    const now = config({ bindDn: 'cn=other,dc=corp' });
    const d = decideMode('auto', watermark(config()), later, configFingerprint(now), { canResume }, configFingerprintParts(now));
    expect(d.mode).toBe('full');
    expect(d.reason).toMatch(/^the configuration changed since the last run \(source\.bindDn\)/);
    expect(d.reason).not.toMatch(/scope, attributes/);
  });

  test('what does not shape a run (page size, password, timeouts) changes nothing', () => {
    const now = config({ pageSize: 100, bindPassword: 'other', timeoutMs: 5 });
    expect(decideMode('auto', watermark(config()), later, configFingerprint(now), { canResume }, configFingerprintParts(now)).mode).toBe('incremental');
  });

  test('a watermark from before the parts were recorded: the change is reported without guessing which', () => {
    const now = config({ bindDn: 'cn=other,dc=corp' });
    const old: Watermark = { checkpoint, fingerprint: configFingerprint(config()) };
    const d = decideMode('auto', old, later, configFingerprint(now), { canResume }, configFingerprintParts(now));
    expect(d).toMatchObject({ mode: 'full', reason: expect.stringMatching(/^the configuration changed since the last run \(which keys: not recorded/) });
  });
});
