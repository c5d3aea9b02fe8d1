import { createServer, type Server } from 'node:https';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDevelopmentCa,
  createRequestVerifier,
  errorBody,
  issueClientCertificate,
  issueServerCertificate,
  loadOperationSecurity,
  principalFromCertificate,
  writeCertificateSet,
} from '../src/index.ts';
import { tlsCall } from './tls-request.ts';

const ca = createDevelopmentCa('test CA');
const otherCa = createDevelopmentCa('someone else');
const server = issueServerCertificate(ca, { brand: 'brand-7', region: 'EU' });
const brand7 = issueClientCertificate(ca, { brand: 'brand-7', region: 'EU', provider: 'studio-x' });
const brand8 = issueClientCertificate(ca, { brand: 'brand-8', region: 'EU', provider: 'studio-x' });
const foreign = issueClientCertificate(otherCa, { brand: 'brand-7', region: 'EU', provider: 'studio-x' });

const headers = { 'X-Brand-Id': 'brand-7', 'X-Region': 'EU', 'X-Provider-Id': 'studio-x' };

describe('development certificates', () => {
  it('carry brand, region and provider in the subject and in a SAN URI', () => {
    const x509 = new X509Certificate(brand7.certPem);
    expect(x509.subject).toContain('O=brand-7');
    expect(x509.subject).toContain('OU=EU');
    expect(x509.subject).toContain('CN=studio-x');
    expect(x509.subjectAltName).toContain('URI:croupier://brand-7/EU/studio-x');
    expect(x509.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(principalFromCertificate(brand7.certPem)).toEqual({
      brand: 'brand-7',
      region: 'EU',
      provider: 'studio-x',
    });
  });

  it('map the subject when no SAN URI is present, and name nothing when the subject is incomplete', () => {
    expect(principalFromCertificate({ subject: { O: 'b', OU: 'US', CN: 'p' } })).toEqual({
      brand: 'b',
      region: 'US',
      provider: 'p',
    });
    expect(principalFromCertificate({ subject: { CN: 'p' } })).toBeUndefined();
  });

  it('writeCertificateSet writes the PEMs and a README line on how to use them', () => {
    const out = mkdtempSync(join(tmpdir(), 'croupier-certs-'));
    const set = writeCertificateSet({ out, brand: 'brand-7', region: 'EU', provider: 'studio-x' });
    for (const file of Object.values(set.files)) expect(existsSync(file)).toBe(true);
    expect(readFileSync(join(out, 'README.txt'), 'utf8')).toContain('--cert');
    expect(principalFromCertificate(readFileSync(set.files.clientCert, 'utf8'))?.brand).toBe('brand-7');
  });
});

describe('mTLS on a real node:https server (requestCert, rejectUnauthorized)', () => {
  let https: Server;
  let port = 0;
  let handled = 0;

  beforeAll(async () => {
    const verifier = createRequestVerifier({ operations: loadOperationSecurity(), mtls: true });
    https = createServer(
      {
        key: server.keyPem,
        cert: server.certPem,
        ca: ca.certPem,
        requestCert: true,
        rejectUnauthorized: true,
      },
      async (req, res) => {
        const verdict = await verifier.verify({
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          headers: req.headers,
          tlsSocket: req.socket as TLSSocket,
        });
        if (!verdict.ok) {
          res.writeHead(verdict.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(errorBody(verdict, 'tr_test')));
          return;
        }
        handled += 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ principal: verdict.principal }));
      },
    );
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    port = (https.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => https.close(resolve));
  });

  it('accepts a client certificate of the request brand and maps it to the principal', async () => {
    const answer = await tlsCall({
      port,
      path: '/v1/players/p_demo_1/balance',
      headers,
      ca: ca.certPem,
      cert: brand7.certPem,
      key: brand7.keyPem,
    });
    expect(answer.status).toBe(200);
    expect(answer.json.principal).toMatchObject({
      brand: 'brand-7',
      region: 'EU',
      provider: 'studio-x',
      via: ['mtls'],
    });
  });

  it('refuses a connection without a client certificate at TLS', async () => {
    const before = handled;
    await expect(
      tlsCall({ port, path: '/v1/players/p_demo_1/balance', headers, ca: ca.certPem }),
    ).rejects.toThrow();
    expect(handled).toBe(before);
  });

  it('refuses a client certificate from another CA at TLS', async () => {
    const before = handled;
    await expect(
      tlsCall({
        port,
        path: '/v1/players/p_demo_1/balance',
        headers,
        ca: ca.certPem,
        cert: foreign.certPem,
        key: foreign.keyPem,
      }),
    ).rejects.toThrow();
    expect(handled).toBe(before);
  });

  it('answers 403 FORBIDDEN_TENANT to a certificate of another brand than X-Brand-Id', async () => {
    const before = handled;
    const answer = await tlsCall({
      port,
      path: '/v1/players/p_demo_1/balance',
      headers,
      ca: ca.certPem,
      cert: brand8.certPem,
      key: brand8.keyPem,
    });
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ code: 'FORBIDDEN_TENANT', retryable: false, trace_id: 'tr_test' });
    expect(handled).toBe(before);
  });
});
