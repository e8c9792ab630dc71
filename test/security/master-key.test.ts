/**
 * Where the master key comes from (docs/security.md): HOLDFAST_MASTER_KEY or
 * HOLDFAST_MASTER_KEY_FILE; with the embedded database and neither, a key generated once into the
 * data directory (mode 0600); with PostgreSQL and neither, a clear error before any connection.
 * A database's keys open only with the master key that sealed them.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { createApp } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { MasterKeyError, resolveMasterKey } from '../../src/core/keys/master-key.js';
import { openTestDatabase } from '../helpers/test-database.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-master-'));
  dirs.push(dir);
  return dir;
};

describe('the master key', () => {
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('PostgreSQL without a master key: a start-up error that says what to set', () => {
    assert.throws(
      () =>
        resolveMasterKey({
          masterKey: undefined,
          masterKeyFile: undefined,
          databaseUrl: 'postgres://db.example/holdfast',
          dataDir: tempDir(),
        }),
      (error: unknown) =>
        error instanceof MasterKeyError && /HOLDFAST_MASTER_KEY/.test(error.message) && /HOLDFAST_MASTER_KEY_FILE/.test(error.message),
    );
  });

  it('the embedded database without one: generated once into the data directory, mode 0600, and announced', () => {
    const dataDir = tempDir();
    const said: string[] = [];
    const setting = { masterKey: undefined, masterKeyFile: undefined, databaseUrl: undefined, dataDir };
    const first = resolveMasterKey(setting, (m) => said.push(m));
    const file = join(dataDir, 'master.key');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.match(readFileSync(file, 'utf8'), /^[0-9a-f]{64}\n$/);
    assert.equal(said.length, 1);
    assert.match(said[0]!, /Generated a master key in .*master\.key/);
    const second = resolveMasterKey(setting, (m) => said.push(m));
    assert.equal(second.id, first.id, 'the same key on the next start');
    assert.equal(said.length, 1, 'announced once');
  });

  it('HOLDFAST_MASTER_KEY_FILE: read, trimmed; a file others may read is used with a warning; a malformed one is refused', () => {
    const dir = tempDir();
    const key = randomBytes(32).toString('hex');
    const file = join(dir, 'key');
    writeFileSync(file, `  ${key}\n`, { mode: 0o600 });
    const setting = { masterKey: undefined, masterKeyFile: file, databaseUrl: 'postgres://x/y', dataDir: dir };
    const said: string[] = [];
    assert.equal(resolveMasterKey(setting, (m) => said.push(m)).key.toString('hex'), key);
    assert.equal(said.length, 0);
    chmodSync(file, 0o644);
    resolveMasterKey(setting, (m) => said.push(m));
    assert.match(said[0]!, /may be read by other users/);
    writeFileSync(file, 'not a key');
    assert.throws(() => resolveMasterKey(setting), /must hold 64 hexadecimal characters/);
  });

  it('configuration: a malformed key is refused without echoing it; key and file together are refused', () => {
    const bad = 'abc123-secret-looking-value';
    assert.throws(
      () => loadConfig({ HOLDFAST_MASTER_KEY: bad }),
      (error: unknown) =>
        error instanceof ConfigError && /HOLDFAST_MASTER_KEY must be 64 hexadecimal/.test(error.message) && !error.message.includes(bad),
    );
    const file = join(tempDir(), 'key');
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
    assert.throws(() => loadConfig({ HOLDFAST_MASTER_KEY: randomBytes(32).toString('hex'), HOLDFAST_MASTER_KEY_FILE: file }), /not both/);
    assert.throws(() => loadConfig({ HOLDFAST_MASTER_KEY_FILE: join(tempDir(), 'missing') }), /HOLDFAST_MASTER_KEY_FILE: no file/);
  });

  it("another master key does not open a database's keys: a start-up error naming both", async () => {
    const db = await openTestDatabase();
    try {
      const start = (key: string) =>
        createApp({ config: loadConfig({ HOLDFAST_MASTER_KEY: key, LOG_LEVEL: 'silent' }), db, logger: pino({ level: 'silent' }) });
      const first = await start(randomBytes(32).toString('hex'));
      await first.close();
      await assert.rejects(
        start(randomBytes(32).toString('hex')),
        (error: unknown) => error instanceof MasterKeyError && /sealed with another master key \(id [0-9a-f]{16}\)/.test(error.message),
      );
    } finally {
      await db.close();
    }
  });
});
