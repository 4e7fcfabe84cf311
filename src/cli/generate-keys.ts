// `generate-keys`: a Matrix signing key (--private-key) and/or a TLS certificate and key
// (--tls-cert with --tls-key), never overwriting a file unless --force.
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { checkServerName } from '../config/checks.ts';
import { formatSigningKey, generateSigningKey } from '../config/signing-key.ts';
import { UsageError } from './errors.ts';
import { refuseExisting, writeNewFile } from './files.ts';
import { makeCertificate } from './tls-certificate.ts';

export interface GenerateKeysOptions {
  privateKey?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsAuthorityCert?: string;
  tlsAuthorityKey?: string;
  server: string;
  keysize: number;
  force?: boolean;
}

function parseKeySize(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 2048 || n > 16384) throw new InvalidArgumentError('expected a number of bits from 2048 to 16384');
  return n;
}

/** Writes a new signing key; returns its key ID. */
export function writeSigningKey(path: string, force = false): string {
  refuseExisting([path], force);
  const key = generateSigningKey();
  writeNewFile(path, formatSigningKey(key.keyId, key.seed), { mode: 0o600, force });
  return key.keyId;
}

function check(opts: GenerateKeysOptions): void {
  if (!opts.privateKey && !opts.tlsCert && !opts.tlsKey) {
    throw new UsageError('nothing to do: give --private-key FILE, or --tls-cert FILE --tls-key FILE, or both');
  }
  if (!!opts.tlsCert !== !!opts.tlsKey) throw new UsageError('--tls-cert and --tls-key go together: give both or neither');
  if (!!opts.tlsAuthorityCert !== !!opts.tlsAuthorityKey) {
    throw new UsageError('--tls-authority-cert and --tls-authority-key go together: give both or neither');
  }
  if (opts.tlsAuthorityCert && !opts.tlsCert) throw new UsageError('--tls-authority-cert needs --tls-cert and --tls-key');
  const problem = checkServerName(opts.server);
  if (problem) throw new UsageError(`--server: expected ${problem}`);
}

export async function generateKeys(opts: GenerateKeysOptions): Promise<void> {
  check(opts);
  refuseExisting([opts.privateKey, opts.tlsCert, opts.tlsKey].filter((p): p is string => !!p), opts.force);
  if (opts.privateKey) {
    const keyId = writeSigningKey(opts.privateKey, opts.force);
    console.log(`Created Matrix signing key ${keyId} in ${opts.privateKey}`);
  }
  if (opts.tlsCert && opts.tlsKey) {
    const authority =
      opts.tlsAuthorityCert && opts.tlsAuthorityKey
        ? { certPem: readFileSync(opts.tlsAuthorityCert, 'utf8'), keyPem: readFileSync(opts.tlsAuthorityKey, 'utf8') }
        : undefined;
    const { certPem, keyPem } = await makeCertificate({ serverName: opts.server, keySize: opts.keysize, authority });
    writeNewFile(opts.tlsKey, keyPem, { mode: 0o600, force: opts.force });
    writeNewFile(opts.tlsCert, certPem, { mode: 0o644, force: opts.force });
    const by = authority ? `signed by ${opts.tlsAuthorityCert}` : 'self-signed';
    console.log(`Created TLS certificate for ${opts.server} (${by}, RSA ${opts.keysize}, valid 10 years) in ${opts.tlsCert}, key in ${opts.tlsKey}`);
  }
}

export function generateKeysCommand(): Command {
  return new Command('generate-keys')
    .description('write a Matrix signing key and/or a TLS certificate and key')
    .option('--private-key <file>', 'write a new ed25519 Matrix signing key (Dendrite PEM format) to this file')
    .option('--tls-cert <file>', 'write a TLS certificate to this file (needs --tls-key)')
    .option('--tls-key <file>', "write the TLS certificate's private key to this file (needs --tls-cert)")
    .option('--tls-authority-cert <file>', 'sign the certificate with this CA certificate (PEM) instead of self-signing')
    .option('--tls-authority-key <file>', "the CA's private key (PEM)")
    .option('--server <name>', 'the server name the certificate is for', 'localhost')
    .option('--keysize <bits>', 'RSA key size of the TLS key', parseKeySize, 4096)
    .option('--force', 'replace files that already exist')
    .action(generateKeys);
}
