import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { SecurityConfigError } from './errors.ts';
import type { Tenancy } from './principal.ts';

/** A certificate and its private key, both PEM. */
export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  /** SHA-256 fingerprint, colon-separated hex, as Node's `getPeerCertificate().fingerprint256` prints it. */
  fingerprint256: string;
  subject: string;
  notAfter: Date;
}

export interface CertificateOptions {
  /** Validity in days (default 365 for leaves, 3650 for the CA). */
  days?: number;
  now?: () => number;
}

const SAN_SCHEME = 'croupier:';

/** The URI a client certificate carries so the platform can read brand, region and provider unambiguously. */
export function tenancyUri(tenancy: Tenancy): string {
  return `croupier://${encodeURIComponent(tenancy.brand)}/${encodeURIComponent(tenancy.region)}/${encodeURIComponent(tenancy.provider)}`;
}

// Node's RSA key generation is native and fast; forge's pure-JS one takes seconds per key.
function rsaKeyPair(): forge.pki.rsa.KeyPair {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

function serial(): string {
  // DER wants a minimal positive integer: first byte 0x40–0x7f is neither negative nor zero-padded.
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x3f) | 0x40;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate, days: number, now: number) {
  cert.validity.notBefore = new Date(now - 60_000);
  cert.validity.notAfter = new Date(now + days * 86_400_000);
}

function finish(cert: forge.pki.Certificate, keys: forge.pki.rsa.KeyPair): IssuedCertificate {
  const certPem = forge.pki.certificateToPem(cert);
  const x509 = new X509Certificate(certPem);
  return {
    certPem,
    keyPem: forge.pki.privateKeyToPem(keys.privateKey),
    fingerprint256: x509.fingerprint256,
    subject: x509.subject.replace(/\n/g, ', '),
    notAfter: cert.validity.notAfter,
  };
}

export interface DevelopmentCa extends IssuedCertificate {
  name: string;
}

/** A self-signed CA for development and the sandbox. Production CAs live elsewhere. */
export function createDevelopmentCa(
  name = 'croupier development CA',
  options: CertificateOptions = {},
): DevelopmentCa {
  const keys = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  validity(cert, options.days ?? 3650, (options.now ?? Date.now)());
  const attrs = [
    { name: 'commonName', value: name },
    { name: 'organizationName', value: 'croupier' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { ...finish(cert, keys), name };
}

function issue(
  ca: IssuedCertificate,
  subject: forge.pki.CertificateField[],
  extensions: object[],
  options: CertificateOptions,
): IssuedCertificate {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const keys = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  validity(cert, options.days ?? 365, (options.now ?? Date.now)());
  cert.setSubject(subject);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
    ...extensions,
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return finish(cert, keys);
}

/**
 * A client certificate for one provider of one brand in one region: `O=<brand>`, `OU=<region>`,
 * `CN=<provider>` and the SAN URI `croupier://<brand>/<region>/<provider>`.
 */
export function issueClientCertificate(
  ca: IssuedCertificate,
  tenancy: Tenancy,
  options: CertificateOptions = {},
): IssuedCertificate {
  return issue(
    ca,
    [
      { name: 'commonName', value: tenancy.provider },
      { name: 'organizationName', value: tenancy.brand },
      { name: 'organizationalUnitName', value: tenancy.region },
    ],
    [
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 6, value: tenancyUri(tenancy) }] },
    ],
    options,
  );
}

/** A server certificate for the platform of one brand and region, valid for the given host names and IPs. */
export function issueServerCertificate(
  ca: IssuedCertificate,
  server: { brand: string; region: string; hosts?: string[] },
  options: CertificateOptions = {},
): IssuedCertificate {
  const hosts = server.hosts ?? ['localhost', '127.0.0.1', '::1'];
  const altNames = hosts.map((host) =>
    /^[\d.]+$/.test(host) || host.includes(':') ? { type: 7, ip: host } : { type: 2, value: host },
  );
  return issue(
    ca,
    [
      { name: 'commonName', value: hosts[0] ?? 'localhost' },
      { name: 'organizationName', value: server.brand },
      { name: 'organizationalUnitName', value: server.region },
    ],
    [
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
    options,
  );
}

/** What Node's `tlsSocket.getPeerCertificate()` returns, reduced to the fields read here. */
export interface PeerCertificateLike {
  subject?: Record<string, string | string[] | undefined> | null;
  subjectaltname?: string;
  fingerprint256?: string;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function fromSubjectAltName(san: string | undefined): Tenancy | undefined {
  for (const entry of (san ?? '').split(/,\s*/)) {
    if (!entry.startsWith('URI:')) continue;
    const uri = entry.slice(4);
    if (!uri.startsWith(SAN_SCHEME)) continue;
    const [brand, region, provider] = uri.slice(`${SAN_SCHEME}//`.length).split('/').map(decodeURIComponent);
    if (brand && region && provider) return { brand, region, provider };
  }
  return undefined;
}

/**
 * Maps a client certificate to the tenancy it was issued for: the SAN URI when present, else the
 * subject's O/OU/CN. Accepts Node's peer-certificate object, an `X509Certificate` or a PEM string.
 * Returns `undefined` when the certificate names no brand, region and provider.
 */
export function principalFromCertificate(
  peer: PeerCertificateLike | X509Certificate | string,
): Tenancy | undefined {
  if (typeof peer === 'string' || peer instanceof X509Certificate) {
    const x509 = typeof peer === 'string' ? new X509Certificate(peer) : peer;
    const subject: Record<string, string> = {};
    for (const line of x509.subject.split('\n')) {
      const at = line.indexOf('=');
      if (at > 0) subject[line.slice(0, at)] = line.slice(at + 1);
    }
    return principalFromCertificate({ subject, subjectaltname: x509.subjectAltName ?? '' });
  }
  const fromSan = fromSubjectAltName(peer.subjectaltname);
  if (fromSan) return fromSan;
  const brand = first(peer.subject?.O ?? undefined);
  const region = first(peer.subject?.OU ?? undefined);
  const provider = first(peer.subject?.CN ?? undefined);
  return brand && region && provider ? { brand, region, provider } : undefined;
}

export interface CertificateSet {
  dir: string;
  files: {
    caCert: string;
    caKey: string;
    serverCert: string;
    serverKey: string;
    clientCert: string;
    clientKey: string;
  };
  ca: DevelopmentCa;
  server: IssuedCertificate;
  client: IssuedCertificate;
  usage: string;
}

/**
 * Writes a CA, a server certificate and a client certificate for one brand, region and provider
 * (what `croupier certs` does). Pass an existing `ca` to issue more certificates under the same CA.
 */
export function writeCertificateSet(
  options: Tenancy & { out: string; ca?: DevelopmentCa; hosts?: string[]; days?: number },
): CertificateSet {
  if (!options.brand || !options.region || !options.provider) {
    throw new SecurityConfigError('CERTS_TENANCY_MISSING', 'brand, region and provider are all required');
  }
  const ca = options.ca ?? createDevelopmentCa();
  const certOptions = options.days === undefined ? {} : { days: options.days };
  const server = issueServerCertificate(
    ca,
    { brand: options.brand, region: options.region, ...(options.hosts ? { hosts: options.hosts } : {}) },
    certOptions,
  );
  const client = issueClientCertificate(ca, options, certOptions);
  mkdirSync(options.out, { recursive: true });
  const stem = `${options.brand}.${options.region}`;
  const files = {
    caCert: join(options.out, 'ca.crt.pem'),
    caKey: join(options.out, 'ca.key.pem'),
    serverCert: join(options.out, `server.${stem}.crt.pem`),
    serverKey: join(options.out, `server.${stem}.key.pem`),
    clientCert: join(options.out, `client.${stem}.${options.provider}.crt.pem`),
    clientKey: join(options.out, `client.${stem}.${options.provider}.key.pem`),
  };
  writeFileSync(files.caCert, ca.certPem);
  writeFileSync(files.caKey, ca.keyPem, { mode: 0o600 });
  writeFileSync(files.serverCert, server.certPem);
  writeFileSync(files.serverKey, server.keyPem, { mode: 0o600 });
  writeFileSync(files.clientCert, client.certPem);
  writeFileSync(files.clientKey, client.keyPem, { mode: 0o600 });
  const usage = `curl --cacert ${files.caCert} --cert ${files.clientCert} --key ${files.clientKey} -H 'X-Brand-Id: ${options.brand}' -H 'X-Region: ${options.region}' -H 'X-Provider-Id: ${options.provider}' https://localhost:8443/health`;
  writeFileSync(
    join(options.out, 'README.txt'),
    [
      `Development certificates for brand ${options.brand}, region ${options.region}, provider ${options.provider} (not for production).`,
      `Server: serve with ${files.serverCert} + ${files.serverKey}, trust client certificates of ${files.caCert} (requestCert, rejectUnauthorized).`,
      `Client: ${usage}`,
      '',
    ].join('\n'),
  );
  return { dir: options.out, files, ca, server, client, usage };
}
