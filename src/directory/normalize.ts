/**
 * Turning raw directory entries into {@link SourceRecord}s: attribute names lower-cased, every value
 * an array, binary values as Buffers, the anchor extracted (objectGUID rendered as the canonical
 * GUID string), the disabled flag computed. Shared by the LDAP and LDIF readers.
 */
import type { AttributeValue, Attributes, RejectedEntry, SourceRecord } from './types';

const NOT_ATTRIBUTES: ReadonlySet<string> = new Set(['dn', 'controls']);

const isValue = (x: unknown): x is AttributeValue => typeof x === 'string' || Buffer.isBuffer(x);

/** Per directory entry (the hot path of a full run): no copy of a value list that is already clean. */
export function normalizeAttributes(raw: Record<string, unknown>, skip: ReadonlySet<string> = NOT_ATTRIBUTES): Attributes {
  const out: Attributes = {};
  for (const name of Object.keys(raw)) {
    if (skip.has(name)) continue;
    const v = raw[name];
    const values: AttributeValue[] = Array.isArray(v) ? (v.every(isValue) ? v : v.filter(isValue)) : isValue(v) ? [v] : [];
    if (!values.length) continue;
    // ';binary' and range options are not part of the attribute's identity here
    const lower = name.toLowerCase();
    const key = lower.endsWith(';binary') ? lower.slice(0, -';binary'.length) : lower;
    const had = out[key];
    out[key] = had ? [...had, ...values] : values;
  }
  return out;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Text attributes hold text. ldapts and the LDIF parser hand over a value that is not UTF-8 as
 * bytes (a Buffer); in an attribute not declared binary (`binary`: lower-cased names, the flavour's
 * and source.binaryAttributes) such a value is decoded when it is valid UTF-8 after all, and is
 * otherwise what is wrong with the record: returned, one problem per attribute, as the reason to
 * quarantine it ({@link problemText}) rather than sent on as base64 text. Changes `attributes` in place.
 */
export function decodeText(attributes: Attributes, binary: ReadonlySet<string>): { attribute: string; message: string }[] {
  const bad: { attribute: string; message: string }[] = [];
  for (const [name, values] of Object.entries(attributes)) {
    if (binary.has(name) || !values.some((v) => Buffer.isBuffer(v))) continue;
    let invalid: Buffer | undefined;
    attributes[name] = values.map((v) => {
      if (!Buffer.isBuffer(v)) return v;
      try {
        return UTF8.decode(v);
      } catch {
        invalid ??= v;
        return v;
      }
    });
    if (invalid) {
      const bytes = [...invalid.subarray(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join(' ') + (invalid.length > 12 ? ' …' : '');
      bad.push({
        attribute: name,
        message: `${name}: a value is not valid UTF-8 (bytes ${bytes}); only attributes declared binary (source.binaryAttributes) may hold bytes`,
      });
    }
  }
  return bad;
}

/** The problems of {@link decodeText} as a record's `problem`, or undefined when there are none. */
export function problemText(problems: readonly { message: string }[]): string | undefined {
  return problems.length ? problems.map((p) => p.message).join('; ') : undefined;
}

/** AD objectGUID bytes → canonical GUID string (the first three groups are little-endian). */
export function guidToString(b: Buffer): string {
  if (b.length !== 16) throw new Error(`objectGUID must be 16 bytes, got ${b.length}`);
  const h = b.toString('hex');
  const rev = (s: string) => s.match(/../g)!.reverse().join('');
  return `${rev(h.slice(0, 8))}-${rev(h.slice(8, 12))}-${rev(h.slice(12, 16))}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Canonical GUID string → AD objectGUID bytes (for searching by anchor). */
export function guidToBuffer(guid: string): Buffer {
  const h = guid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(h)) throw new Error(`not a GUID: ${guid}`);
  const rev = (s: string) => s.match(/../g)!.reverse().join('');
  return Buffer.from(rev(h.slice(0, 8)) + rev(h.slice(8, 12)) + rev(h.slice(12, 16)) + h.slice(16), 'hex');
}

/** 100-ns intervals between 1601-01-01 and 1970-01-01. */
const FILETIME_EPOCH_OFFSET = 116444736000000000n;
const ACCOUNT_NEVER_EXPIRES = new Set(['0', '9223372036854775807']);

export interface AnchorRule {
  attribute: string;
  /** Render a binary anchor: 'guid' (AD objectGUID) or 'hex'. */
  binary: 'guid' | 'hex';
}

export interface DisabledRule {
  /** ad: userAccountControl bit 0x2 or a past accountExpires. */
  kind: 'ad' | 'none';
  /** A configured filter that also marks a user disabled. */
  filter?: (attributes: Attributes) => boolean;
}

/** Build a SourceRecord, or say why the entry cannot be one. */
export function toSourceRecord(
  dn: string,
  attributes: Attributes,
  anchor: AnchorRule,
  disabled: DisabledRule,
  now: Date,
): { record: SourceRecord } | { rejected: RejectedEntry } {
  const raw = attributes[anchor.attribute.toLowerCase()]?.[0];
  if (raw === undefined) return { rejected: { dn, reason: `entry has no ${anchor.attribute} (the anchor attribute)` } };
  let value: string;
  if (Buffer.isBuffer(raw)) {
    if (anchor.binary === 'guid') {
      if (raw.length !== 16) return { rejected: { dn, reason: `${anchor.attribute} is ${raw.length} bytes, not a 16-byte GUID` } };
      value = guidToString(raw);
    } else {
      value = raw.toString('hex');
    }
  } else {
    value = raw.trim();
    if (!value) return { rejected: { dn, reason: `${anchor.attribute} is empty` } };
  }
  const isDisabled = (disabled.kind === 'ad' && adDisabled(attributes, now)) || (disabled.filter?.(attributes) ?? false);
  return { record: { anchor: value, dn, attributes, disabled: isDisabled } };
}

/** AD: userAccountControl ACCOUNTDISABLE (0x2), or accountExpires in the past. */
export function adDisabled(attributes: Attributes, now: Date): boolean {
  const uac = Number(attributes['useraccountcontrol']?.[0]?.toString() ?? '0');
  if (Number.isFinite(uac) && (uac & 0x2) !== 0) return true;
  const expires = attributes['accountexpires']?.[0]?.toString();
  if (expires && !ACCOUNT_NEVER_EXPIRES.has(expires) && /^\d+$/.test(expires)) {
    const ms = Number((BigInt(expires) - FILETIME_EPOCH_OFFSET) / 10000n);
    if (ms <= now.getTime()) return true;
  }
  return false;
}
