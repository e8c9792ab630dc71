import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminCall, adminClient, operatorSession, signInAs } from '../helpers/admin.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('admin API: operators and tokens', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  // What a refused call must not change (a token's last use is recorded on every call, so it is left out).
  const snapshot = async () =>
    server.db.query(
      `select (select coalesce(json_agg(json_build_object('id', id, 'role', role, 'merchant_ids', merchant_ids,
                'password_hash', password_hash, 'disabled_at', disabled_at) order by id), '[]')::text from operators) as operators,
              (select coalesce(json_agg(json_build_object('id', id, 'role', role, 'revoked_at', revoked_at) order by id), '[]')::text
                 from admin_tokens) as tokens,
              (select count(*)::text from audit_log) as audit`,
    );

  it('refuses viewers, support and merchant-limited admins (403) on every operators and tokens call, changing nothing', async () => {
    const merchant = await server.newMerchant('Limited');
    const admin = await adminClient(server, 'admin');
    const target = await admin.post('/operators', { email: 'target@example.test', role: 'viewer' });
    const token = await admin.post('/tokens', { name: 'target', role: 'viewer' });
    assert.equal(target.status, 200);
    assert.equal(token.status, 200);

    const callers = [
      await operatorSession(server, 'viewer'),
      await operatorSession(server, 'support'),
      await operatorSession(server, 'admin', [merchant.merchant_id]),
      await adminClient(server, 'viewer'),
      await adminClient(server, 'support'),
      await adminClient(server, 'admin', [merchant.merchant_id]),
    ];
    const before = await snapshot();
    for (const [index, caller] of callers.entries()) {
      const answers = [
        await caller.get('/operators'),
        await caller.post('/operators', { email: `new${index}@example.test`, role: 'viewer' }),
        await caller.patch(`/operators/${target.body.operator.id}`, { role: 'admin' }),
        await caller.get('/tokens'),
        await caller.post('/tokens', { name: `new ${index}`, role: 'admin' }),
        await caller.delete(`/tokens/${token.body.token.id}`),
      ];
      for (const answer of answers) {
        assert.equal(answer.status, 403, `caller ${index}: ${JSON.stringify(answer.body)}`);
        assert.equal(answer.body.error, 'forbidden');
      }
    }
    assert.deepEqual(await snapshot(), before);
  });

  it('creates an operator with a one-time password stored only as a scrypt hash, audited without it', async () => {
    const admin = await operatorSession(server, 'admin');
    const merchant = await server.newMerchant('Scoped');
    const created = await adminCall(server, 'POST', '/operators', {
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'request-id': 'req-operator-1' },
      body: { email: ' Support@Example.test ', role: 'support', merchant_ids: [merchant.merchant_id] },
    });
    assert.equal(created.status, 200);
    const { operator, one_time_password: password } = created.body;
    assert.match(password, /^[A-Za-z0-9]{20}$/);
    assert.deepEqual(
      { ...operator, id: typeof operator.id, created_at: typeof operator.created_at },
      {
        id: 'string',
        email: 'support@example.test',
        role: 'support',
        merchant_ids: [merchant.merchant_id],
        must_change_password: true,
        created_at: 'string',
        disabled_at: null,
      },
    );

    const rows = await server.db.query<{ password_hash: string; dump: string }>(
      'select password_hash, row_to_json(o)::text as dump from operators o where id = $1',
      [operator.id],
    );
    assert.match(rows[0]!.password_hash, /^scrypt\$32768\$8\$1\$/);
    assert.ok(!rows[0]!.dump.includes(password));
    const audit = await server.db.query<{ action: string; actor_kind: string; actor_id: string; dump: string; request_id: string }>(
      `select action, actor_kind, actor_id, request_id, row_to_json(a)::text as dump from audit_log a where target_id = $1`,
      [operator.id],
    );
    assert.equal(audit.length, 1);
    assert.deepEqual(
      { action: audit[0]!.action, actor_kind: audit[0]!.actor_kind, actor_id: audit[0]!.actor_id, request_id: audit[0]!.request_id },
      { action: 'operator.create', actor_kind: 'operator', actor_id: admin.id, request_id: 'req-operator-1' },
    );
    assert.ok(!audit[0]!.dump.includes(password) && !audit[0]!.dump.includes('scrypt'));

    const listed = await admin.get('/operators');
    assert.equal(listed.status, 200);
    const found = listed.body.data.find((o: { id: string }) => o.id === operator.id);
    assert.deepEqual(found, operator);
    assert.ok(listed.body.data.every((o: object) => !('password_hash' in o)));

    const signedIn = await signInAs(server, 'support@example.test', password);
    assert.equal(signedIn.status, 200);
    assert.deepEqual(signedIn.body.operator.merchant_ids, [merchant.merchant_id]);
  });

  it('refuses a taken e-mail (409), a bad role or unknown merchant (400), and changes nothing', async () => {
    const admin = await operatorSession(server, 'admin');
    assert.equal((await admin.post('/operators', { email: 'twice@example.test', role: 'viewer' })).status, 200);
    const before = await snapshot();
    const taken = await admin.post('/operators', { email: 'TWICE@example.test', role: 'admin' });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.error, 'conflict');
    for (const body of [
      { email: 'a@example.test', role: 'owner' },
      { email: 'not-an-email', role: 'viewer' },
      { email: 'b@example.test', role: 'viewer', merchant_ids: ['mer_nobody'] },
      { email: 'c@example.test', role: 'viewer', merchant_ids: [] },
      { email: 'd@example.test', role: 'viewer', extra: true },
      { role: 'viewer' },
    ]) {
      const refused = await admin.post('/operators', body);
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.equal(refused.body.error, 'bad_request');
    }
    assert.deepEqual(await snapshot(), before);
  });

  it('changes an operator (role, merchants, disabled), audited; not one that does not exist, nor oneself', async () => {
    const admin = await operatorSession(server, 'admin');
    const viewer = await operatorSession(server, 'viewer');
    const merchant = await server.newMerchant('Promoted');
    const changed = await admin.patch(`/operators/${viewer.id}`, { role: 'support', merchant_ids: [merchant.merchant_id] });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.operator.role, 'support');
    assert.deepEqual(changed.body.operator.merchant_ids, [merchant.merchant_id]);
    const me = await viewer.get('/me');
    assert.equal(me.body.role, 'support', 'the open session sees the new role at once');
    assert.deepEqual(me.body.merchant_ids, [merchant.merchant_id]);

    const audit = await server.db.query<{ before: { role: string }; after: { role: string } }>(
      `select before, after from audit_log where action = 'operator.update' and target_id = $1`,
      [viewer.id],
    );
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.before.role, 'viewer');
    assert.equal(audit[0]!.after.role, 'support');

    assert.equal((await admin.patch('/operators/op_nobody', { role: 'viewer' })).status, 404);
    const self = await admin.patch(`/operators/${admin.id}`, { disabled: true });
    assert.equal(self.status, 409);
    assert.equal(self.body.error, 'conflict');
    assert.equal((await admin.patch(`/operators/${viewer.id}`, {})).status, 400);
    assert.equal((await admin.patch(`/operators/${viewer.id}`, { role: 'root' })).status, 400);
    assert.equal((await admin.get('/me')).status, 200);
  });

  it('issues a token once, lists tokens without secrets, and a revoked token is refused at once', async () => {
    const admin = await operatorSession(server, 'admin');
    const issued = await adminCall(server, 'POST', '/tokens', {
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'request-id': 'req-token-1' },
      body: { name: 'deploy script', role: 'support' },
    });
    assert.equal(issued.status, 200);
    const { token, secret } = issued.body;
    assert.match(secret, /^hfa_at_[A-Za-z0-9]{16}_/);
    assert.deepEqual(
      { ...token, id: typeof token.id, created_at: typeof token.created_at },
      {
        id: 'string',
        name: 'deploy script',
        role: 'support',
        merchant_ids: null,
        created_at: 'string',
        last_used_at: null,
        revoked_at: null,
      },
    );

    const asToken = () => fetch(`${server.baseUrl}/admin/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal((await asToken()).status, 200);

    const listed = await admin.get('/tokens');
    const entry = listed.body.data.find((t: { id: string }) => t.id === token.id);
    assert.equal(entry.name, 'deploy script');
    assert.ok(entry.last_used_at, 'its use is recorded');
    assert.ok(!JSON.stringify(listed.body).includes(secret.slice(24)), 'no secret in the listing');

    const revoked = await adminCall(server, 'DELETE', `/tokens/${token.id}`, {
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'request-id': 'req-token-2' },
    });
    assert.equal(revoked.status, 204);
    const refused = await asToken();
    assert.equal(refused.status, 401);
    assert.equal((await admin.delete(`/tokens/${token.id}`)).status, 409);
    assert.equal((await admin.delete('/tokens/at_nobody')).status, 404);
    assert.ok((await admin.get('/tokens')).body.data.find((t: { id: string }) => t.id === token.id).revoked_at);

    const audit = await server.db.query<{ action: string; actor_id: string; request_id: string; dump: string }>(
      `select action, actor_id, request_id, row_to_json(a)::text as dump from audit_log a where target_id = $1 order by id`,
      [token.id],
    );
    assert.deepEqual(
      audit.map((a) => [a.action, a.actor_id, a.request_id]),
      [
        ['admin_token.create', admin.id, 'req-token-1'],
        ['admin_token.revoke', admin.id, 'req-token-2'],
      ],
    );
    assert.ok(audit.every((a) => !a.dump.includes(secret.slice(24))));
  });

  it('lets an unlimited admin token manage operators too', async () => {
    const admin = await adminClient(server, 'admin');
    const created = await admin.post('/operators', { email: 'by-token@example.test', role: 'viewer' });
    assert.equal(created.status, 200);
    const audit = await server.db.query<{ actor_kind: string; actor_id: string }>(
      `select actor_kind, actor_id from audit_log where target_id = $1`,
      [created.body.operator.id],
    );
    assert.deepEqual(audit, [{ actor_kind: 'token', actor_id: admin.id }]);
  });
});
