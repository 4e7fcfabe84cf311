// Validation rules that span more than a type: server names, old keys, Dendrite's open
// registration guard, and what polylith needs. Spec sections are named where they apply.
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load.ts';
import { fixture, load, minimal, problems } from './fixture.ts';

describe('server_name (Appendices, "Server Name")', () => {
  test.each(['matrix.org', 'matrix.org:8888', '1.2.3.4', '1.2.3.4:1234', '[1234:5678::abcd]', '[1234:5678::abcd]:5678', 'localhost:8800', 'localhost'])(
    '%s is accepted',
    (name) => {
      expect(load(minimal({ global: { server_name: name } })).config.global.server_name).toBe(name);
    },
  );

  test.each(['exa mple.com', 'example.com:', 'example.com:99999', 'example.com:0', 'ex_ample.com', '1.2.3.256', '[::1', 'https://example.com', ':8448'])(
    '%p is refused',
    (name) => {
      expect(problems(minimal({ global: { server_name: name } }))[0]).toMatch(/^global\.server_name: expected a server name/);
    },
  );
});

describe('old_private_keys', () => {
  test('a key file gives its ID and public key; a public key and ID are kept (unpadded)', () => {
    const f = fixture();
    f.write(readFileSync(join(f.dir, 'matrix_key.pem'), 'utf8').replace(/Key-ID: \S+/, 'Key-ID: ed25519:old1'), 'old.pem');
    const { config } = loadConfig(
      f.write(
        minimal({
          global: {
            old_private_keys: [
              { private_key: 'old.pem', expired_at: 1601024554498 },
              { public_key: 'mn59Kxfdq9VziYHSBzI7+EDPDcBS2Xl7jeUdiiQcOnM=', key_id: 'ed25519:mykeyid', expired_at: 1601024554498 },
            ],
          },
        }),
      ),
    );
    const [a, b] = config.global.old_private_keys;
    expect(a!.key_id).toBe('ed25519:old1');
    expect(a!.public_key).toMatch(/^[A-Za-z0-9+/]{43}$/);
    expect(b).toEqual({ expired_at: 1601024554498, public_key: 'mn59Kxfdq9VziYHSBzI7+EDPDcBS2Xl7jeUdiiQcOnM', key_id: 'ed25519:mykeyid' });
  });

  test('incomplete entries are reported', () => {
    expect(problems(minimal({ global: { old_private_keys: [{ public_key: 'abc' }] } }))).toEqual([
      'global.old_private_keys[0].expired_at: required, when the key expired, in milliseconds since the epoch',
      'global.old_private_keys[0].public_key: expected a 32-byte ed25519 public key in base64, got "abc"',
      'global.old_private_keys[0].key_id: required, the old key ID, like ed25519:abc123',
    ]);
  });
});

describe('open registration (Client-Server API, "Account registration"): Dendrite\'s guard', () => {
  const open = minimal({ client_api: { registration_disabled: false } });

  test('is refused when running, with the explanation and the flag to use', () => {
    const p = problems(open, { mode: 'monolith' });
    expect(p).toHaveLength(1);
    expect(p[0]).toStartWith('client_api.registration_disabled: false, with no captcha and no registration token');
    expect(p[0]).toContain('--really-enable-open-registration');
  });

  test('--really-enable-open-registration, a captcha or a token allow it', () => {
    expect(load(open, { mode: 'monolith', openRegistrationConfirmed: true }).config.client_api.open_registration_confirmed).toBe(true);
    const captcha = minimal({
      client_api: { registration_disabled: false, enable_registration_captcha: true, recaptcha_public_key: 'p', recaptcha_private_key: 's' },
    });
    expect(() => load(captcha, { mode: 'monolith' })).not.toThrow();
    expect(() => load(minimal({ client_api: { registration_disabled: false, registration_requires_token: true } }), { mode: 'monolith' })).not.toThrow();
  });

  test('a captcha needs its keys', () => {
    expect(problems(minimal({ client_api: { enable_registration_captcha: true } }), { mode: 'monolith' })).toEqual([
      'client_api.recaptcha_public_key: required when enable_registration_captcha is true',
      'client_api.recaptcha_private_key: required when enable_registration_captcha is true',
    ]);
  });

  test('tools that only read the config (create-account) do not check it', () => {
    expect(() => load(open)).not.toThrow();
  });
});

describe('polylith', () => {
  test('needs NATS JetStream', () => {
    expect(problems(minimal(), { mode: 'polylith' })).toEqual([
      'global.jetstream.addresses: required for polylith, the NATS JetStream server(s), like [nats://localhost:4222]',
    ]);
    expect(() => load(minimal({ global: { jetstream: { addresses: ['nats://localhost:4222'] } } }), { mode: 'polylith' })).not.toThrow();
  });

  test('needs every internal address', () => {
    const p = problems(minimal({ global: { jetstream: { addresses: ['localhost:4222'] } }, sync_api: { internal_api: { listen: '' } } }), {
      mode: 'polylith',
    });
    expect(p).toEqual(['sync_api.internal_api.listen: required for polylith, like http://localhost:7773']);
  });

  test('addresses are checked', () => {
    expect(problems(minimal({ global: { jetstream: { addresses: ['nats://host:99999'] } }, room_server: { internal_api: { connect: 'localhost' } } }))).toEqual([
      expect.stringMatching(/^global\.jetstream\.addresses\[0\]: expected a NATS address/),
      'room_server.internal_api.connect: expected an address like http://localhost:7770, got "localhost"',
    ]);
  });
});
