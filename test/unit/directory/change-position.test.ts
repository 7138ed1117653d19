/**
 * Change positions: when a poll may stop at the position (samePosition), and which accesslog
 * records an incremental run counts (inWindow: each change by exactly one run; goneOf: deletions
 * and moves out of scope, not renames within it).
 */
import { samePosition } from '../../../src/directory/checkpoint';
import type { Checkpoint } from '../../../src/directory/source';
import { goneOf, inWindow } from '../../../src/directory/ldap/accesslog';
import { inScope } from '../../../src/directory/dn';

const csn = (t: string, sid = '000') => `20261206${t}.000000Z#000000#${sid}#000000`;

describe('samePosition', () => {
  const ad = { kind: 'ad-usn', dc: 'dc1.example.test', invocationId: 'AAAA-1', usn: '5000' } as const;
  test('AD: the same DC, invocationId and USN (names compared ignoring case); any other USN moved', () => {
    expect(samePosition(ad, { ...ad, dc: 'DC1.example.test', invocationId: 'aaaa-1' })).toBe(true);
    expect(samePosition(ad, { ...ad, usn: '5001' })).toBe(false);
    expect(samePosition(ad, { ...ad, invocationId: 'BBBB-2' })).toBe(false);
    expect(samePosition(ad, { ...ad, dc: 'dc2.example.test' })).toBe(false);
  });
  test('OpenLDAP: every contextCSN value the same; a write on any provider moves it', () => {
    const p: Checkpoint = { kind: 'ldap-csn', csn: csn('101010', '001'), csns: [csn('101010', '001'), csn('111111', '002')] };
    expect(samePosition(p, { ...p, csns: [csn('101010', '001'), csn('111111', '002')] })).toBe(true);
    // the smallest value did not move, the other provider's did
    expect(samePosition(p, { ...p, csns: [csn('101010', '001'), csn('121212', '002')] })).toBe(false);
    // a watermark of an earlier version (no csns) never counts as the same position
    expect(samePosition({ kind: 'ldap-csn', csn: p.csn }, p)).toBe(false);
  });
  test('timestamps (the agent clock) and files never stop a poll', () => {
    expect(samePosition({ kind: 'ldap-timestamp', timestamp: '20261206101010Z' }, { kind: 'ldap-timestamp', timestamp: '20261206101010Z' })).toBe(false);
    expect(samePosition({ kind: 'none' }, { kind: 'none' })).toBe(false);
  });
});

describe('inWindow: a change belongs to the run whose window (previous contextCSN, this contextCSN] holds it', () => {
  const from = [csn('100000')];
  const to = [csn('110000')];
  test('after the start, up to and including the end', () => {
    expect(inWindow(csn('100000'), from, to)).toBe(false); // the previous run's
    expect(inWindow(csn('100001'), from, to)).toBe(true);
    expect(inWindow(csn('110000'), from, to)).toBe(true);
    expect(inWindow(csn('110001'), from, to)).toBe(false); // the next run's
  });
  test('per server id: a provider whose CSNs lag is not cut off by another one', () => {
    const from2 = [csn('100000', '001'), csn('090000', '002')];
    const to2 = [csn('110000', '001'), csn('095000', '002')];
    expect(inWindow(csn('092000', '002'), from2, to2)).toBe(true);
    expect(inWindow(csn('096000', '002'), from2, to2)).toBe(false);
    expect(inWindow(csn('092000', '001'), from2, to2)).toBe(false);
    // a server id the previous run did not know: everything up to the end
    expect(inWindow(csn('050000', '003'), from2, [...to2, csn('060000', '003')])).toBe(true);
  });
});

describe('goneOf', () => {
  const scope = { baseDns: ['ou=staff,dc=example,dc=com'], scope: 'sub' as const };
  const rec = (type: string, dn: string, newDn?: string) => ({ type, csn: csn('100001'), dn, newDn, entryUuid: 'uuid-1' });
  test('a deletion in scope, a move out of scope', () => {
    expect(goneOf(rec('delete', 'uid=a,ou=staff,dc=example,dc=com'), scope)).toEqual({ anchor: 'uuid-1', why: 'deleted' });
    expect(goneOf(rec('modrdn', 'uid=a,ou=staff,dc=example,dc=com', 'uid=a,ou=gone,dc=example,dc=com'), scope)).toEqual({
      anchor: 'uuid-1',
      why: 'moved out of scope',
    });
  });
  test('not gone: a rename or move within the scope, anything outside it, a record without entryUUID', () => {
    expect(goneOf(rec('modrdn', 'uid=a,ou=staff,dc=example,dc=com', 'uid=b,ou=sub,ou=staff,dc=example,dc=com'), scope)).toBeUndefined();
    expect(goneOf(rec('delete', 'uid=a,ou=other,dc=example,dc=com'), scope)).toBeUndefined();
    expect(goneOf(rec('modrdn', 'uid=a,ou=other,dc=example,dc=com', 'uid=a,ou=staff,dc=example,dc=com'), scope)).toBeUndefined();
    expect(goneOf({ ...rec('delete', 'uid=a,ou=staff,dc=example,dc=com'), entryUuid: undefined }, scope)).toBeUndefined();
  });
  test('scope one: a move into a sub-OU leaves the scope', () => {
    expect(goneOf(rec('modrdn', 'uid=a,ou=staff,dc=example,dc=com', 'uid=a,ou=sub,ou=staff,dc=example,dc=com'), { ...scope, scope: 'one' })).toEqual({
      anchor: 'uuid-1',
      why: 'moved out of scope',
    });
  });
});

test('inScope: sub takes the base and everything below; one its direct children; no bases: everything', () => {
  const b = ['OU=Staff, DC=example,DC=com'];
  expect(inScope('ou=staff,dc=example,dc=com', b, 'sub')).toBe(true);
  expect(inScope('uid=a,ou=x,ou=staff,dc=example,dc=com', b, 'sub')).toBe(true);
  expect(inScope('ou=staff,dc=example,dc=com', b, 'one')).toBe(false);
  expect(inScope('uid=a,ou=staff,dc=example,dc=com', b, 'one')).toBe(true);
  expect(inScope('uid=a,ou=x,ou=staff,dc=example,dc=com', b, 'one')).toBe(false);
  expect(inScope('uid=a\\,b,ou=staff,dc=example,dc=com', b, 'one')).toBe(true);
  expect(inScope('uid=a,dc=other', undefined, 'one')).toBe(true);
});
