/**
 * Okta-looking identifiers.
 *
 * User ids are `00u` + 17 base-62 characters (20 in total, like Okta's examples), group ids `00g…`,
 * user-type ids `oty…`, error ids `oae…`. Generated user and group ids are strictly increasing in
 * string order (a seeded counter forms the first 9 characters, then 8 random characters), so lists
 * ordered by id are in creation order and `after=<id>` cursors are plain id comparisons.
 */
import { createRng, type Rng } from '../util/rng';

// ASCII order: 0-9 < A-Z < a-z, so base-62 strings of equal length compare like their numbers.
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const URLSAFE = ALPHABET + '-_';

function randomChars(rng: Rng, n: number, alphabet = ALPHABET): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rng() * alphabet.length)];
  return s;
}

function base62(n: number, width: number): string {
  let s = '';
  let v = n;
  for (let i = 0; i < width; i++) {
    s = ALPHABET[v % 62] + s;
    v = Math.floor(v / 62);
  }
  return s;
}

export interface IdGenerator {
  userId(): string;
  groupId(): string;
  userTypeId(): string;
  errorId(): string;
  requestId(): string;
  activationToken(): string;
}

export function createIdGenerator(seed: number): IdGenerator {
  const rng = createRng(seed ^ 0x1d5eed);
  // Start the counter somewhere in the middle of the 9-character range so ids don't begin with zeros.
  let counter = 62 ** 8 + Math.floor(rng() * 62 ** 8);
  const ordered = (prefix: string) => prefix + base62(counter++, 9) + randomChars(rng, 8);
  return {
    userId: () => ordered('00u'),
    groupId: () => ordered('00g'),
    userTypeId: () => 'oty' + randomChars(rng, 17),
    errorId: () => 'oae' + randomChars(rng, 22, URLSAFE),
    requestId: () => randomChars(rng, 27, URLSAFE),
    activationToken: () => randomChars(rng, 20),
  };
}
