/** Directory time formats → ISO 8601 (UTC, `YYYY-MM-DDTHH:mm:ss.sssZ`). Pure: no clock, no local time zone. */

const GT = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{2}(?:\d{2})?)?$/;

/** LDAP/AD GeneralizedTime (`20240305123456.0Z`, `202403051234-0500`, `2024030512Z`) → ISO 8601; null when invalid. No zone means UTC. */
export function generalizedTimeToIso(s: string): string | null {
  const m = GT.exec(s.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, se, frac, zone] = m;
  const year = +y,
    month = +mo,
    day = +d,
    hour = +h;
  const minute = mi === undefined ? 0 : +mi;
  let second = se === undefined ? 0 : +se;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return null;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  if (second === 60) second = 59; // leap second
  let ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (frac !== undefined) {
    const f = Number('0.' + frac);
    ms += Math.round(f * (se !== undefined ? 1000 : mi !== undefined ? 60_000 : 3_600_000));
  }
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const oh = +zone.slice(1, 3),
      om = zone.length > 3 ? +zone.slice(3, 5) : 0;
    if (oh > 23 || om > 59) return null;
    ms -= sign * (oh * 60 + om) * 60_000;
  }
  const dt = new Date(ms);
  return Number.isNaN(dt.getTime()) ? null : dt.toISOString();
}

const FT_EPOCH_DIFF_MS = 11_644_473_600_000n; // 1601-01-01 → 1970-01-01
const FT_NEVER = 9_223_372_036_854_775_807n;
const DIGITS = /^\d{1,20}$/;

/**
 * Windows FILETIME (100-ns ticks since 1601-01-01 UTC, as AD stores accountExpires, pwdLastSet,
 * lastLogonTimestamp) → ISO 8601. `0` and `9223372036854775807` mean "never" and yield null.
 */
export function fileTimeToIso(v: string | number): string | null {
  const s = typeof v === 'number' ? (Number.isSafeInteger(v) ? String(v) : '') : v.trim();
  if (!DIGITS.test(s)) return null;
  const ticks = BigInt(s);
  if (ticks === 0n || ticks >= FT_NEVER) return null;
  const ms = Number(ticks / 10_000n - FT_EPOCH_DIFF_MS);
  const dt = new Date(ms);
  return Number.isNaN(dt.getTime()) ? null : dt.toISOString();
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Auto-detect: ISO 8601 date/date-time, GeneralizedTime (10–14 digits, optional fraction and zone) or FILETIME (15–19 digits). */
export function anyTimeToIso(v: string | number): string | null {
  if (typeof v === 'number') return fileTimeToIso(v);
  const s = v.trim();
  const iso = ISO.exec(s);
  if (iso) {
    const [, y, mo, d, h, mi, se, frac, zone] = iso;
    const gt = `${y}${mo}${d}${h ?? '00'}${mi ?? '00'}${se ?? '00'}${frac ? '.' + frac : ''}${zone ? zone.replace(':', '') : 'Z'}`;
    return generalizedTimeToIso(gt);
  }
  if (/^\d{15,19}$/.test(s)) return fileTimeToIso(s);
  return generalizedTimeToIso(s);
}
