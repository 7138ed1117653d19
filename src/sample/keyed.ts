/**
 * The sample's key: every choice the sample makes (which users, which pseudonym) is an HMAC-SHA256
 * of the key and the input, so the same key and the same directory give the same sample, byte for
 * byte, and without the key nobody can recompute a pseudonym from a guessed original.
 *
 * Also {@link Bloom}: the set of the directory's original runs (names, mail parts, numbers), a
 * fixed 8 MiB whatever the directory's size, so that no pseudonym is drawn equal to an original.
 */
import { createHmac } from 'node:crypto';

export class SampleKey {
  constructor(private readonly key: Buffer) {
    if (key.length < 16) throw new Error('the sample key must be at least 16 bytes (e.g. `openssl rand -hex 32 > sample.key`)');
  }

  /** HMAC-SHA256 of the parts (joined by NUL). */
  digest(...parts: string[]): Buffer {
    return createHmac('sha256', this.key).update(parts.join('\0')).digest();
  }

  /** `n` keyed bytes for the parts. */
  bytes(n: number, ...parts: string[]): Buffer {
    const out: Buffer[] = [];
    for (let block = 0, got = 0; got < n; block++) {
      const d = this.digest(...parts, String(block));
      out.push(d);
      got += d.length;
    }
    return Buffer.concat(out).subarray(0, n);
  }

  /** A record's rank in its stratum (hex, fixed length: compares as text). */
  rank(anchor: string): string {
    return this.digest('rank', anchor).toString('hex', 0, 16);
  }

  /** Names the key without revealing it (the sample's header shows it, to tell two keys apart). */
  id(): string {
    return this.digest('ldap-okta-sync sample key id').toString('hex', 0, 8);
  }
}

/** A Bloom filter of strings (FNV-1a, double hashing): `has` may say yes for a string never added, never no for one that was. */
export class Bloom {
  private readonly bits: Uint8Array;
  private readonly mask: number;

  constructor(
    log2Bits = 26,
    private readonly hashes = 4,
  ) {
    this.bits = new Uint8Array(1 << (log2Bits - 3));
    this.mask = (1 << log2Bits) - 1;
  }

  add(s: string): void {
    const [a, b] = hash2(s);
    for (let i = 0; i < this.hashes; i++) {
      const bit = (a + i * b) & this.mask;
      this.bits[bit >>> 3] |= 1 << (bit & 7);
    }
  }

  has(s: string): boolean {
    const [a, b] = hash2(s);
    for (let i = 0; i < this.hashes; i++) {
      const bit = (a + i * b) & this.mask;
      if (!(this.bits[bit >>> 3] & (1 << (bit & 7)))) return false;
    }
    return true;
  }
}

function hash2(s: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return [a, b | 1];
}
