import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminClient } from '../helpers/admin.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('admin API: admin tokens', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('knows the caller by its token and refuses anything else with 401', async () => {
    const viewer = await adminClient(server, 'viewer', ['mer_a']);
    const me = await viewer.get('/me');
    assert.equal(me.status, 200);
    assert.deepEqual(me.body, { kind: 'token', id: viewer.id, name: 'test viewer', role: 'viewer', merchant_ids: ['mer_a'] });
    assert.equal(me.headers.get('cache-control'), 'no-store');

    for (const authorization of [
      undefined,
      'Bearer hfa_nope',
      `Bearer ${viewer.token}x`,
      `Bearer ${viewer.token.slice(0, -1)}`,
      'Basic abc',
    ]) {
      const response = await fetch(`${server.baseUrl}/admin/v1/me`, { headers: authorization ? { authorization } : {} });
      assert.equal(response.status, 401, String(authorization));
      assert.deepEqual(await response.json(), { error: 'unauthenticated', message: 'Sign in or send an admin token' });
    }
  });

  it('stores only a hash of the token and audits its creation', async () => {
    const admin = await adminClient(server, 'admin');
    // hfa_ + at_<16> + _ : the secret is everything after (base64url, which may hold "_" itself).
    const secret = admin.token.slice('hfa_at_0123456789abcdef_'.length);
    const rows = await server.db.query<{ dump: string }>('select row_to_json(t)::text as dump from admin_tokens t');
    assert.ok(rows.every((r) => !r.dump.includes(secret)));
    const audit = await server.db.query<{ action: string; actor_kind: string }>(
      'select action, actor_kind from audit_log where target_id = $1',
      [admin.id],
    );
    assert.deepEqual(audit, [{ action: 'admin_token.create', actor_kind: 'cli' }]);
  });

  it('keeps the audit log append-only even below the API', async () => {
    await assert.rejects(server.db.query('update audit_log set action = $1', ['tampered']), /append-only/);
    await assert.rejects(server.db.query('delete from audit_log'), /append-only/);
  });

  it('answers unknown admin paths in its own error shape', async () => {
    const viewer = await adminClient(server, 'viewer');
    const response = await viewer.get('/no-such-thing');
    assert.equal(response.status, 404);
    assert.equal(response.body.error, 'not_found');
  });
});
