// `run monolith` with no config in sight writes one (DESIGN.md, "One binary"): it must load as a
// monolith at once. Not a spec section.
import { describe, expect, test } from 'bun:test';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFirstConfig } from '../../../src/cli/run-monolith.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { readSigningKey } from '../../../src/config/signing-key.ts';

describe('first start of run monolith', () => {
  test('writes dendrite.yaml and data/matrix_key.pem, and the config loads as a monolith', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'first-run-'));
    const path = await writeFirstConfig(dir);
    expect(path).toBe(join(dir, 'dendrite.yaml'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'data/matrix_key.pem')).mode & 0o777).toBe(0o600);
    const { config, warnings } = loadConfig(path, { mode: 'monolith' });
    expect(warnings).toEqual([]);
    expect(config.global.server_name).toBe('localhost');
    expect(config.global.key_id).toBe(readSigningKey(join(dir, 'data/matrix_key.pem')).keyId);
    expect(config.room_server.database.connection_string).toBe(`file:${join(dir, 'data/dendrite_roomserver.db')}`);
    expect(config.global.jetstream).toMatchObject({ addresses: [], storage_path: join(dir, 'data/jetstream') });
    expect(config.media_api.base_path).toBe(join(dir, 'data/media_store'));
    expect(config.client_api.registration_shared_secret).toMatch(/^[\w-]{32}$/);
  });

  test('refuses to replace a config that appeared meanwhile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'first-run-'));
    await writeFirstConfig(dir);
    await expect(writeFirstConfig(dir)).rejects.toThrow('dendrite.yaml already exists; not overwriting');
  });
});
