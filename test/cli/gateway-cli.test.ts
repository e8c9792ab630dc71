/**
 * `holdfast gateway add|list|disable` end to end on a data directory (docs/gateways.md "Gateway
 * accounts"): the real executable, a handful of runs. Secrets given on the command line are never
 * printed back, stored only sealed, and re-sealed by `holdfast keys rotate`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openPglite } from '../../src/store/pglite-db.js';

const BIN = join(process.cwd(), 'bin', 'holdfast.js');
const PUBLIC_URL = 'https://pay.holdfast.example';

const CLIENT_ID = 'pine-client-id-4Kz9';
const CLIENT_SECRET = 'pine-client-secret-only-sealed-73';
const WEBHOOK_SECRET = 'whsec_d2ViaG9vay1zZWNyZXQtb25seS1zZWFsZWQ=';
const REDIRECT_KEY = '0F1E2D3C4B5A69788796A5B4C3D2E1F0';
const SECRETS = [CLIENT_SECRET, WEBHOOK_SECRET, 'd2ViaG9vay1zZWNyZXQtb25seS1zZWFsZWQ', REDIRECT_KEY];

describe('holdfast gateway', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'holdfast-gateway-cli-'));
  after(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });
  const outputs: string[] = [];

  /** Runs the real `holdfast` executable on the test's data directory. */
  function holdfast(args: string[]) {
    const result = spawnSync(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOLDFAST_DATA_DIR: dataDir, HOLDFAST_PUBLIC_URL: PUBLIC_URL },
      encoding: 'utf8',
      timeout: 60_000,
    });
    outputs.push(result.stdout, result.stderr);
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('adds a Pine Labs account, refuses a bad one naming the flag, disables it; keys rotate re-seals it; no secret is ever printed or stored in the clear', async () => {
    const created = holdfast(['merchant', 'create', '--name', 'Acme', '--json']);
    assert.equal(created.code, 0, created.stderr);
    const merchantId: string = JSON.parse(created.stdout.trim()).merchant_id;

    const pine = [
      'gateway',
      'add',
      '--merchant',
      merchantId,
      '--name',
      'pine primary',
      '--kind',
      'pinelabs-online',
      '--base-url',
      'https://pluraluat.v2.pinepg.in',
      '--client-id',
      CLIENT_ID,
      '--webhook-secret',
      WEBHOOK_SECRET,
      '--redirect-key',
      REDIRECT_KEY,
    ];
    const refused = holdfast(pine);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /--client-secret is required for a pinelabs-online account/);
    assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack trace');

    const added = holdfast([...pine, '--client-secret', CLIENT_SECRET, '--json']);
    assert.equal(added.code, 0, added.stderr);
    const account = JSON.parse(added.stdout.trim());
    assert.match(account.id, /^gwa_[A-Za-z0-9]{20}$/);
    assert.equal(account.merchant_id, merchantId);
    assert.equal(account.kind, 'pinelabs-online');
    assert.deepEqual(account.credentials, ['client_id', 'client_secret', 'webhook_secret', 'redirect_key']);
    assert.equal(account.webhook_url, `${PUBLIC_URL}/upstream/${account.id}/webhooks`);
    assert.equal(account.return_url_prefix, `${PUBLIC_URL}/upstream/${account.id}/return/`);

    const disabled = holdfast(['gateway', 'disable', '--account', account.id]);
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.match(disabled.stdout, new RegExp(`Gateway account ${account.id} disabled`));

    const rotated = holdfast(['keys', 'rotate', '--json']);
    assert.equal(rotated.code, 0, rotated.stderr);
    // The merchant's webhook secret and redirect pair (3), the same in its credentials (3), and the account (1).
    assert.equal(JSON.parse(rotated.stdout).resealedSecrets, 7);

    // Listing after the rotation opens the re-sealed credentials to name them.
    const listed = holdfast(['gateway', 'list', '--merchant', merchantId]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${account.id}  pinelabs-online  "pine primary"  disabled since `));
    assert.match(listed.stdout, /credentials: client_id, client_secret, webhook_secret, redirect_key \(…4Kz9\)/);

    for (const output of outputs) for (const secret of SECRETS) assert.ok(!output.includes(secret), 'no secret is printed');

    const db = await openPglite(join(dataDir, 'pgdata'));
    try {
      const rows = await db.query<{ dump: string; credentials_ciphertext: string; disabled_at: unknown }>(
        'select row_to_json(g)::text as dump, credentials_ciphertext, disabled_at from gateway_accounts g',
      );
      assert.equal(rows.length, 1);
      for (const secret of [...SECRETS, CLIENT_ID]) assert.ok(!rows[0]!.dump.includes(secret), 'stored only sealed');
      assert.match(rows[0]!.credentials_ciphertext, /^v2\.enc-2\./, 're-sealed with the new encryption key');
      assert.notEqual(rows[0]!.disabled_at, null);
      const audit = await db.query<{ action: string; actor_kind: string; merchant_id: string; dump: string }>(
        "select action, actor_kind, merchant_id, row_to_json(a)::text as dump from audit_log a where target_type = 'gateway_account' order by id",
      );
      assert.deepEqual(
        audit.map((a) => [a.action, a.actor_kind, a.merchant_id]),
        [
          ['gateway_account.add', 'cli', merchantId],
          ['gateway_account.disable', 'cli', merchantId],
        ],
      );
      for (const entry of audit) for (const secret of SECRETS) assert.ok(!entry.dump.includes(secret), 'no secret in the audit log');
    } finally {
      await db.close();
    }
  });
});
