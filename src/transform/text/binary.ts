/** Rendering of binary directory values (AD objectGUID, objectSid). */

/** AD objectGUID (16 bytes, first three groups little-endian) → canonical lower-case GUID string; null if not 16 bytes. */
export function guidToString(b: Buffer): string | null {
  if (b.length !== 16) return null;
  const h = b.toString('hex');
  const le = (start: number, len: number) => {
    let out = '';
    for (let i = start + len - 1; i >= start; i--) out += h.substr(i * 2, 2);
    return out;
  };
  return `${le(0, 4)}-${le(4, 2)}-${le(6, 2)}-${h.substr(16, 4)}-${h.substr(20, 12)}`;
}

/** Binary SID → `S-1-5-21-…`; null if malformed. */
export function sidToString(b: Buffer): string | null {
  if (b.length < 8) return null;
  const count = b[1];
  if (b.length !== 8 + count * 4) return null;
  let authority = 0;
  for (let i = 2; i < 8; i++) authority = authority * 256 + b[i];
  let out = `S-${b[0]}-${authority}`;
  for (let i = 0; i < count; i++) out += '-' + b.readUInt32LE(8 + i * 4);
  return out;
}
