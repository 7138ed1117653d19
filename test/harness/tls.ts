import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findBinary } from './util/binaries';
import { run } from './util/processes';

/** Certificate files generated for a TLS test server. */
export interface TestCertificates {
  /** PEM file of the self-signed test CA that signed the server certificate (what the agent must trust). */
  caFile: string;
  caPem: string;
  certFile: string;
  keyFile: string;
  /** subjectAltName entries of the server certificate, e.g. ['IP:127.0.0.1', 'DNS:localhost']. */
  subjectAltNames: string[];
}

export interface CertificateOptions {
  /** Server certificate SANs (default IP:127.0.0.1 and DNS:localhost); pick others to test name mismatches. */
  subjectAltNames?: string[];
  /** Server certificate common name (default: localhost). */
  commonName?: string;
  /** 'ec' (P-256, fast, default) or 'rsa' (2048 bits). */
  keyType?: 'ec' | 'rsa';
  days?: number;
}

function keyArgs(type: 'ec' | 'rsa'): string[] {
  return type === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
}

/**
 * Generates, with openssl in `dir`, a throwaway CA (ca.pem/ca.key) and a server certificate signed by it
 * (server.pem/server.key) for 127.0.0.1/localhost. Takes ~50 ms with EC keys.
 */
export async function generateCertificates(dir: string, opts: CertificateOptions = {}): Promise<TestCertificates> {
  const openssl = findBinary('openssl');
  const keyType = opts.keyType ?? 'ec';
  const days = String(opts.days ?? 30);
  const sans = opts.subjectAltNames ?? ['IP:127.0.0.1', 'DNS:localhost'];
  const f = (name: string): string => path.join(dir, name);
  await run(openssl, [
    'req',
    '-x509',
    ...keyArgs(keyType),
    '-nodes',
    '-sha256',
    '-days',
    days,
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-subj',
    '/O=ldap-okta-sync tests/CN=ldap-okta-sync test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await run(openssl, [
    'req',
    ...keyArgs(keyType),
    '-nodes',
    '-sha256',
    '-keyout',
    f('server.key'),
    '-out',
    f('server.csr'),
    '-subj',
    `/O=ldap-okta-sync tests/CN=${opts.commonName ?? 'localhost'}`,
  ]);
  writeFileSync(
    f('server.ext'),
    [
      `subjectAltName=${sans.join(',')}`,
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  await run(openssl, [
    'x509',
    '-req',
    '-sha256',
    '-days',
    days,
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('server.pem'),
    '-extfile',
    f('server.ext'),
  ]);
  return { caFile: f('ca.pem'), caPem: readFileSync(f('ca.pem'), 'utf8'), certFile: f('server.pem'), keyFile: f('server.key'), subjectAltNames: sans };
}
