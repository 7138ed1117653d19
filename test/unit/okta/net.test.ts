import { noConnection, oktaUnreachable } from '../../../src/okta/net';

const failure = (code: string) => Object.assign(new Error(`request failed, reason: ${code}`), { code });

describe('network failures of a request to Okta', () => {
  test.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])(
    '%s: no connection (never sent, a create may be retried) and Okta unreachable',
    (code) => {
      expect(noConnection(failure(code))).toBe(true);
      expect(oktaUnreachable(failure(code))).toBe(true);
    },
  );

  test.each(['CERT_HAS_EXPIRED', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT'])(
    '%s: Okta unreachable, but not a failed connection',
    (code) => {
      expect(noConnection(failure(code))).toBe(false);
      expect(oktaUnreachable(failure(code))).toBe(true);
    },
  );

  test.each(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET', ''])('%j: may have been sent, and not a reason to stop the run', (code) => {
    expect(noConnection(failure(code))).toBe(false);
    expect(oktaUnreachable(failure(code))).toBe(false);
  });

  test('errors without a code, and non-errors, are neither', () => {
    for (const e of [new Error('x'), undefined, null, 'ECONNREFUSED', { code: 42 }]) {
      expect(noConnection(e)).toBe(false);
      expect(oktaUnreachable(e)).toBe(false);
    }
  });
});
