// A TLS certificate for `generate-keys --tls-cert/--tls-key`: an RSA key from node:crypto and an
// X.509 certificate from @peculiar/x509 (Bun has no certificate generator of its own), either
// self-signed or signed by a CA given as PEM files. Like Dendrite's: valid 10 years, for server auth.
import './reflect-metadata.ts';
import { createPrivateKey, generateKeyPair, type KeyObject, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { promisify } from 'node:util';
import type * as X509 from '@peculiar/x509';

export interface CertificateOptions {
  /** A server name, with or without port (`example.org`, `localhost:8448`, `127.0.0.1`, `[::1]:8448`). */
  serverName: string;
  /** RSA modulus length in bits. */
  keySize: number;
  /** Sign with this CA instead of self-signing. */
  authority?: { certPem: string; keyPem: string };
  validDays?: number;
}

export interface Certificate {
  certPem: string;
  /** PKCS#8 PEM. */
  keyPem: string;
}

/** The host part of a server name, for the certificate's subject and SAN. */
export function hostOf(serverName: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(serverName);
  if (v6) return v6[1]!;
  const i = serverName.lastIndexOf(':');
  return i >= 0 && serverName.indexOf(':') === i ? serverName.slice(0, i) : serverName;
}

type SignAlg = { name: string; hash?: string; namedCurve?: string };

/** The WebCrypto algorithm that signs with a key of this type (CA keys may be RSA, EC or Ed25519). */
function algorithmFor(key: KeyObject): { importAlg: SignAlg; signAlg: SignAlg } {
  if (key.asymmetricKeyType === 'rsa') {
    const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    return { importAlg: alg, signAlg: alg };
  }
  if (key.asymmetricKeyType === 'ec') {
    const curves: Record<string, [string, string]> = {
      prime256v1: ['P-256', 'SHA-256'],
      secp384r1: ['P-384', 'SHA-384'],
      secp521r1: ['P-521', 'SHA-512'],
    };
    const c = curves[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (c) return { importAlg: { name: 'ECDSA', namedCurve: c[0] }, signAlg: { name: 'ECDSA', hash: c[1] } };
  }
  if (key.asymmetricKeyType === 'ed25519') return { importAlg: { name: 'Ed25519' }, signAlg: { name: 'Ed25519' } };
  throw new Error(`a ${key.asymmetricKeyType} ${key.asymmetricKeyDetails?.namedCurve ?? ''} CA key is not supported (use RSA, EC P-256/384/521 or Ed25519)`);
}

async function importPrivate(key: KeyObject, alg: SignAlg): Promise<CryptoKey> {
  const der = key.export({ type: 'pkcs8', format: 'der' });
  return webcrypto.subtle.importKey('pkcs8', der, alg, false, ['sign']) as Promise<CryptoKey>;
}

export async function makeCertificate(opts: CertificateOptions): Promise<Certificate> {
  // Loaded here, after the Reflect polyfill above has run (a static import may be evaluated first).
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);

  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: opts.keySize });
  const rsa = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const publicCryptoKey = (await webcrypto.subtle.importKey('spki', publicKey.export({ type: 'spki', format: 'der' }), rsa, true, [
    'verify',
  ])) as CryptoKey;

  const host = hostOf(opts.serverName);
  const san = new x509.SubjectAlternativeNameExtension([{ type: isIP(host) ? 'ip' : 'dns', value: host }]);
  const notBefore = new Date(Date.now() - 60_000); // a little slack for clocks that disagree
  const notAfter = new Date(notBefore.getTime() + (opts.validDays ?? 3650) * 86_400_000);
  const extensions: X509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    san,
    await x509.SubjectKeyIdentifierExtension.create(publicCryptoKey),
  ];

  let issuer = `CN=${host}`;
  let signingKey = await importPrivate(privateKey, rsa);
  let signingAlgorithm: SignAlg = rsa;
  if (opts.authority) {
    const ca = new x509.X509Certificate(opts.authority.certPem);
    const caKey = createPrivateKey(opts.authority.keyPem);
    const { importAlg, signAlg } = algorithmFor(caKey);
    signingKey = await importPrivate(caKey, importAlg);
    signingAlgorithm = signAlg;
    issuer = ca.subject;
    const caSki = ca.getExtension(x509.SubjectKeyIdentifierExtension);
    extensions.push(
      caSki ? new x509.AuthorityKeyIdentifierExtension(caSki.keyId) : await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey),
    );
  }

  // A positive 16-byte serial number (RFC 5280 4.1.2.2: at most 20 octets, positive).
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial.toString('hex'),
    subject: `CN=${host}`,
    issuer,
    notBefore,
    notAfter,
    publicKey: publicCryptoKey,
    signingKey,
    signingAlgorithm: signingAlgorithm as Parameters<typeof x509.X509CertificateGenerator.create>[0]['signingAlgorithm'],
    extensions,
  });
  return {
    certPem: cert.toString('pem') + '\n',
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
