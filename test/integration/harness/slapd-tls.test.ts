import { readFileSync } from 'node:fs';
import { Client } from 'ldapts';
import { startTlsSlapd, type TlsSlapdServer } from '../../harness';

/** slapd with a generated CA: ldaps:// and StartTLS verify against the CA, and fail without it. */
describe('startTlsSlapd', () => {
  let server: TlsSlapdServer;
  beforeAll(async () => {
    server = await startTlsSlapd();
  });
  afterAll(async () => {
    await server.stop();
  });

  async function bindOver(client: Client, startTls?: Parameters<Client['startTLS']>[0]): Promise<void> {
    try {
      if (startTls) await client.startTLS(startTls);
      await client.bind(server.serviceDn, server.servicePassword);
      const r = await client.search(server.baseDn, { scope: 'base', attributes: ['dc'] });
      expect(r.searchEntries[0]?.dc).toBe('example');
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  test('returns the CA file and an ldaps URL on a second port', () => {
    expect(server.ldapsUrl).toBe(`ldaps://127.0.0.1:${server.ldapsPort}`);
    expect(server.ldapsPort).not.toBe(server.port);
    expect(readFileSync(server.caFile, 'utf8')).toContain('BEGIN CERTIFICATE');
    expect(server.certificates.subjectAltNames).toEqual(['IP:127.0.0.1', 'DNS:localhost']);
  });

  test('ldaps:// verifies with the generated CA', async () => {
    await bindOver(new Client({ url: server.ldapsUrl, tlsOptions: { ca: [readFileSync(server.caFile)] } }));
  });

  test('StartTLS on ldap:// verifies with the generated CA', async () => {
    await bindOver(new Client({ url: server.url }), { ca: [readFileSync(server.caFile)], servername: 'localhost' });
  });

  test('without the CA, ldaps:// and StartTLS fail certificate verification', async () => {
    const noCa = new Client({ url: server.ldapsUrl, tlsOptions: { minVersion: 'TLSv1.2' }, connectTimeout: 5000 });
    await expect(bindOver(noCa)).rejects.toMatchObject({ code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/) });
    await expect(bindOver(new Client({ url: server.url }), { minVersion: 'TLSv1.2' })).rejects.toMatchObject({
      code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/),
    });
  });

  test('a host name the certificate does not name fails verification', async () => {
    const client = new Client({ url: server.ldapsUrl, tlsOptions: { ca: [server.certificates.caPem], servername: 'ldap.example.com' } });
    await expect(bindOver(client)).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  test('server.client() connects over ldaps:// or StartTLS trusting the CA', async () => {
    for (const tls of ['ldaps', 'starttls'] as const) {
      const c = await server.client('service', { tls });
      const r = await c.search(server.baseDn, { scope: 'base', attributes: ['dc'] });
      expect(r.searchEntries).toHaveLength(1);
      await c.unbind();
    }
  });
});
