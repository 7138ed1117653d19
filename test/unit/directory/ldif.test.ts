import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDn, parseDn } from '../../../src/directory/dn';
import { parseLdifFile, type LdifItem } from '../../../src/directory/ldif/parser';
import { ldifLine, ldifRecord } from '../../../src/directory/ldif/writer';
import { adDisabled, guidToBuffer, guidToString, normalizeAttributes } from '../../../src/directory/normalize';

async function parse(text: string): Promise<LdifItem[]> {
  const f = join(mkdtempSync(join(tmpdir(), 'ldif-')), 'x.ldif');
  writeFileSync(f, text);
  const out: LdifItem[] = [];
  for await (const i of parseLdifFile(f)) out.push(i);
  return out;
}

describe('LDIF parser (RFC 2849)', () => {
  test('folded lines, comments, base64 values and DNs, options', async () => {
    const items = await parse(
      [
        'version: 1',
        '# a comment',
        '#  folded',
        '',
        'dn:: Y249WsO2w6ssb3U9cGVvcGxlLGRjPWV4YW1wbGUsZGM9Y29t',
        'cn:: WsO2w6s=',
        'description: a long value that is',
        '  folded',
        'userCertificate;binary:: AAEC',
        'mail:   spaced@example.com',
        '',
      ].join('\n'),
    );
    expect(items).toHaveLength(1);
    const e = (items[0] as { entry: { dn: string; attributes: Record<string, unknown[]> } }).entry;
    expect(e.dn).toBe('cn=Zöë,ou=people,dc=example,dc=com');
    expect(e.attributes.description).toEqual(['a long value that is folded']);
    expect(Buffer.from(e.attributes.cn[0] as Buffer).toString('utf8')).toBe('Zöë');
    expect(e.attributes['userCertificate;binary'][0]).toEqual(Buffer.from([0, 1, 2]));
    expect(e.attributes.mail).toEqual(['spaced@example.com']);
  });

  test('a malformed entry is reported with its line; the next entry is read', async () => {
    const items = await parse(['dn: uid=a,dc=x', 'uid a', '', 'dn: uid=b,dc=x', 'uid: b', ''].join('\n'));
    expect(items[0]).toEqual({ error: { line: 2, dn: 'uid=a,dc=x', message: expect.stringMatching(/malformed line/) } });
    expect(items[1]).toMatchObject({ entry: { dn: 'uid=b,dc=x' } });
  });

  test('change records are refused with a clear message', async () => {
    const items = await parse(['dn: uid=a,dc=x', 'changetype: modify', ''].join('\n'));
    expect(items[0]).toMatchObject({ error: { message: expect.stringMatching(/changetype/) } });
  });
});

describe('normalisation', () => {
  test('attribute names lower-cased, values always arrays, empty attributes dropped', () => {
    expect(normalizeAttributes({ dn: 'x', Mail: 'a@b', memberOf: ['g1', 'g2'], empty: [], 'jpegPhoto;binary': Buffer.from([1]) })).toEqual({
      mail: ['a@b'],
      memberof: ['g1', 'g2'],
      jpegphoto: [Buffer.from([1])],
    });
  });
  test('objectGUID bytes ↔ canonical GUID string', () => {
    const b = Buffer.from('204d914ca3003b4b929b9374272d987c', 'hex');
    expect(guidToString(b)).toBe('4c914d20-00a3-4b3b-929b-9374272d987c');
    expect(guidToBuffer(guidToString(b))).toEqual(b);
  });
  test('AD disabled: UAC bit 0x2, or accountExpires in the past', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    expect(adDisabled({ useraccountcontrol: ['514'] }, now)).toBe(true);
    expect(adDisabled({ useraccountcontrol: ['512'] }, now)).toBe(false);
    expect(adDisabled({ useraccountcontrol: ['512'], accountexpires: ['9223372036854775807'] }, now)).toBe(false);
    expect(adDisabled({ useraccountcontrol: ['512'], accountexpires: ['0'] }, now)).toBe(false);
    // 2026-01-01 as FILETIME
    expect(adDisabled({ useraccountcontrol: ['512'], accountexpires: ['134116992000000000'] }, now)).toBe(true);
    expect(adDisabled({ useraccountcontrol: ['512'], accountexpires: ['134116992000000000'] }, new Date('2025-06-01T00:00:00Z'))).toBe(false);
  });
});

describe('LDIF writer', () => {
  test('what the writer writes the parser reads back: base64 where RFC 2849 needs it, comments skipped', async () => {
    const values = ['plain', ' leading space', 'trailing space ', ':colon', '<angle', 'Zöë', '王伟', 'two\nlines', ''];
    const text = ldifRecord({
      dn: formatDn([[{ type: 'cn', value: 'Smith, John "JJ" <x>' }], [{ type: 'ou', value: 'People' }]]),
      attributes: [
        ['description', values],
        ['jpegPhoto', [Buffer.from([0, 1, 2, 255])]],
      ],
      comment: 'sample-record: 1 abc\nsecond line',
    });
    expect(text).toMatch(/^# sample-record: 1 abc\n# second line\ndn: cn=Smith\\, John \\"JJ\\" \\<x\\>,ou=People\n/);
    expect(ldifLine('cn', 'Zöë')).toBe(`cn:: ${Buffer.from('Zöë').toString('base64')}`);
    expect(ldifLine('cn', 'plain')).toBe('cn: plain');
    const [item] = await parse(text);
    if (!('entry' in item)) throw new Error('not an entry');
    expect(parseDn(item.entry.dn)).toEqual([[{ type: 'cn', value: 'Smith, John "JJ" <x>' }], [{ type: 'ou', value: 'People' }]]);
    expect(item.entry.attributes.description.map((v) => v.toString())).toEqual(values);
    expect(item.entry.attributes.jpegPhoto).toEqual([Buffer.from([0, 1, 2, 255])]);
  });

  test('formatDn escapes what RFC 4514 asks and parses back to the same values', () => {
    for (const v of [' lead', 'trail ', '#hash', 'a,b+c;d', 'back\\slash', 'q"uote', 'x=y', 'Ünïcödé ✓']) {
      const dn = formatDn([[{ type: 'cn', value: v }], [{ type: 'dc', value: 'example' }]]);
      expect(parseDn(dn)).toEqual([[{ type: 'cn', value: v }], [{ type: 'dc', value: 'example' }]]);
    }
  });
});
