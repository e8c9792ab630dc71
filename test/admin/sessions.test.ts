import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../../src/core/admin/audit.js';
import { createOperator } from '../../src/core/admin/operators.js';
import type { OperatorRole } from '../../src/domain/operator-roles.js';
import { adminCall, operatorSession, signInAs } from '../helpers/admin.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const MINUTE = 60_000;

describe('admin API: operator sessions', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  let count = 0;
  const newOperator = async (role: OperatorRole = 'admin') => {
    count += 1;
    const created = await createOperator(server.app.ctx, { email: `Person${count}@Example.test`, role, merchantIds: null }, CLI_ACTOR);
    assert.ok(created.ok);
    return { id: created.operator.id, email: created.operator.email, password: created.oneTimePassword };
  };
  const countRows = async (table: string) => Number((await server.db.query<{ n: string }>(`select count(*) as n from ${table}`))[0]!.n);

  it('signs in with e-mail and one-time password: a Secure, HttpOnly, SameSite=Strict cookie and a CSRF token', async () => {
    const person = await newOperator();
    assert.equal(person.email, `person${count}@example.test`, 'e-mails are kept in lower case');
    const signedIn = await signInAs(server, ` PERSON${count}@example.test`, person.password);
    assert.equal(signedIn.status, 200);
    const { operator, csrf_token: csrfToken, expires_at: expiresAt } = signedIn.body;
    assert.deepEqual(Object.keys(signedIn.body).sort(), ['csrf_token', 'expires_at', 'operator']);
    assert.deepEqual(
      { ...operator, created_at: typeof operator.created_at },
      {
        id: person.id,
        email: person.email,
        role: 'admin',
        merchant_ids: null,
        must_change_password: true,
        created_at: 'string',
        disabled_at: null,
      },
    );
    assert.match(csrfToken, /^[A-Za-z0-9_-]{40,}$/);
    assert.equal(expiresAt, new Date(server.clock.now().getTime() + 30 * MINUTE).toISOString(), 'idle expiry comes first');

    const attributes = signedIn.setCookie.split(';').map((part) => part.trim());
    assert.match(attributes[0]!, /^holdfast_session=[A-Za-z0-9_-]{43}$/);
    for (const attribute of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/admin/v1'])
      assert.ok(attributes.includes(attribute), attribute);

    // Only hashes are stored: the cookie's value and the CSRF token appear nowhere in the table.
    const secret = signedIn.cookie!.split('=')[1]!;
    const rows = await server.db.query<{ dump: string }>('select row_to_json(s)::text as dump from operator_sessions s');
    assert.ok(rows.every((r) => !r.dump.includes(secret) && !r.dump.includes(csrfToken)));

    const session = await adminCall(server, 'GET', '/session', { headers: { cookie: signedIn.cookie! } });
    assert.equal(session.status, 200);
    assert.equal(session.body.csrf_token, csrfToken);
    assert.equal(session.body.operator.id, person.id);
    const me = await adminCall(server, 'GET', '/me', { headers: { cookie: signedIn.cookie! } });
    assert.deepEqual(me.body, { kind: 'operator', id: person.id, name: person.email, role: 'admin', merchant_ids: null });
  });

  it('refuses a wrong password, an unknown e-mail and a bad body alike, telling nothing about which', async () => {
    const person = await newOperator();
    const wrong = await signInAs(server, person.email, `${person.password}x`);
    const unknown = await signInAs(server, 'nobody@example.test', person.password);
    for (const refused of [wrong, unknown]) {
      assert.equal(refused.status, 401);
      assert.deepEqual(refused.body, { error: 'unauthenticated', message: 'Wrong e-mail or password' });
      assert.equal(refused.setCookie, '');
    }
    for (const body of [{}, { email: person.email }, { email: person.email, password: 5 }, { email: '', password: 'x' }]) {
      const bad = await adminCall(server, 'POST', '/session', { body });
      assert.equal(bad.status, 400, JSON.stringify(body));
      assert.equal(bad.body.error, 'bad_request');
    }
  });

  it('lets an operator on its one-time password only see itself, change the password or sign out', async () => {
    const person = await newOperator();
    const signedIn = await signInAs(server, person.email, person.password);
    const headers = { cookie: signedIn.cookie!, 'x-csrf-token': signedIn.body.csrf_token };

    for (const [method, path] of [
      ['GET', '/operators'],
      ['GET', '/tokens'],
      ['POST', '/tokens'],
    ] as const) {
      const refused = await adminCall(server, method, path, {
        headers,
        ...(method === 'POST' ? { body: { name: 'x', role: 'viewer' } } : {}),
      });
      assert.equal(refused.status, 403, `${method} ${path}`);
      assert.equal(refused.body.error, 'password_change_required');
    }
    assert.equal(await countRows(`admin_tokens where name = 'x'`), 0);
    assert.equal((await adminCall(server, 'GET', '/me', { headers })).status, 200);

    const tooShort = await adminCall(server, 'POST', '/session/password', {
      headers,
      body: { current_password: person.password, new_password: 'short' },
    });
    assert.equal(tooShort.status, 400);
    assert.equal(tooShort.body.error, 'bad_request');
    const wrongCurrent = await adminCall(server, 'POST', '/session/password', {
      headers,
      body: { current_password: 'not the password', new_password: 'a brand new password' },
    });
    assert.equal(wrongCurrent.status, 400);
    assert.equal(wrongCurrent.body.error, 'bad_request');

    const changed = await adminCall(server, 'POST', '/session/password', {
      headers,
      body: { current_password: person.password, new_password: 'a brand new password' },
    });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.operator.must_change_password, false);
    assert.equal((await adminCall(server, 'GET', '/operators', { headers })).status, 200, 'the same session goes on');

    assert.equal((await signInAs(server, person.email, person.password)).status, 401, 'the one-time password is gone');
    const again = await signInAs(server, person.email, 'a brand new password');
    assert.equal(again.status, 200);
    assert.equal(again.body.operator.must_change_password, false);

    const stored = await server.db.query<{ password_hash: string }>('select password_hash from operators where id = $1', [person.id]);
    assert.match(stored[0]!.password_hash, /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    assert.ok(!stored[0]!.password_hash.includes('a brand new password'));
  });

  it('refuses a state-changing call without the right x-csrf-token (403 csrf_failed) and changes nothing', async () => {
    const admin = await operatorSession(server, 'admin');
    const operatorsBefore = await countRows('operators');
    const auditBefore = await countRows('audit_log');
    for (const token of [undefined, '', 'wrong', `${admin.csrfToken}x`, admin.csrfToken.slice(1)]) {
      const headers: Record<string, string> = { cookie: admin.cookie, ...(token === undefined ? {} : { 'x-csrf-token': token }) };
      const created = await adminCall(server, 'POST', '/operators', { headers, body: { email: 'csrf@example.test', role: 'viewer' } });
      assert.equal(created.status, 403, String(token));
      assert.deepEqual(created.body, { error: 'csrf_failed', message: 'Send the csrf_token of your session as the x-csrf-token header' });
      const signedOut = await adminCall(server, 'DELETE', '/session', { headers });
      assert.equal(signedOut.status, 403);
      assert.equal(signedOut.body.error, 'csrf_failed');
    }
    assert.equal(await countRows('operators'), operatorsBefore);
    assert.equal(await countRows('audit_log'), auditBefore);
    assert.equal((await admin.get('/me')).status, 200, 'the session is still open');
    // Reading needs no CSRF token.
    assert.equal((await adminCall(server, 'GET', '/operators', { headers: { cookie: admin.cookie } })).status, 200);
    assert.equal((await admin.post('/operators', { email: 'csrf@example.test', role: 'viewer' })).status, 200);
  });

  it('ends a session after 30 minutes without a call, and 12 hours after sign-in however busy', async () => {
    const idle = await operatorSession(server, 'viewer');
    server.clock.advance(29 * MINUTE);
    assert.equal((await idle.get('/me')).status, 200);
    server.clock.advance(29 * MINUTE);
    assert.equal((await idle.get('/me')).status, 200, 'each call keeps it alive');
    server.clock.advance(31 * MINUTE);
    const expired = await idle.get('/me');
    assert.equal(expired.status, 401);
    assert.equal(expired.body.error, 'unauthenticated');

    const busy = await operatorSession(server, 'viewer');
    for (let elapsed = 25; elapsed < 12 * 60; elapsed += 25) {
      server.clock.advance(25 * MINUTE);
      assert.equal((await busy.get('/me')).status, 200, `${elapsed} minutes in`);
    }
    server.clock.advance(25 * MINUTE);
    assert.equal((await busy.get('/me')).status, 401, 'past 12 hours');
    assert.equal((await signInAs(server, busy.email, busy.password)).status, 200, 'signing in again opens a new one');
  });

  it('signs out: the cookie is cleared and the session revoked', async () => {
    const viewer = await operatorSession(server, 'viewer');
    const signedOut = await viewer.delete('/session');
    assert.equal(signedOut.status, 204);
    const cleared = signedOut.headers.get('set-cookie') ?? '';
    assert.match(cleared, /^holdfast_session=;/);
    assert.match(cleared, /Expires=Thu, 01 Jan 1970/);
    assert.match(cleared, /Path=\/admin\/v1/);
    const after = await viewer.get('/me');
    assert.equal(after.status, 401);
    assert.equal((await viewer.get('/session')).status, 401);
  });

  it('refuses a disabled operator: its open session and any new sign-in', async () => {
    const admin = await operatorSession(server, 'admin');
    const support = await operatorSession(server, 'support');
    assert.equal((await support.get('/me')).status, 200);
    const disabled = await admin.patch(`/operators/${support.id}`, { disabled: true });
    assert.equal(disabled.status, 200);
    assert.ok(disabled.body.operator.disabled_at);
    assert.equal((await support.get('/me')).status, 401);
    const signIn = await signInAs(server, support.email, support.password);
    assert.equal(signIn.status, 401);
    assert.deepEqual(signIn.body, { error: 'unauthenticated', message: 'Wrong e-mail or password' });
    const revoked = await server.db.query('select 1 from operator_sessions where operator_id = $1 and revoked_at is null', [support.id]);
    assert.equal(revoked.length, 0);

    assert.equal((await admin.patch(`/operators/${support.id}`, { disabled: false })).status, 200);
    assert.equal((await signInAs(server, support.email, support.password)).status, 200);
  });
});

describe('admin API: sign-in limits', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ HOLDFAST_RATE_LIMIT_AUTH_FAILURES: '3' });
  });
  after(() => server.close());

  it('refuses (429) an e-mail after too many failed sign-ins, even with the right password', async () => {
    const target = await createOperator(server.app.ctx, { email: 'target@example.test', role: 'admin', merchantIds: null }, CLI_ACTOR);
    const other = await createOperator(server.app.ctx, { email: 'other@example.test', role: 'viewer', merchantIds: null }, CLI_ACTOR);
    assert.ok(target.ok && other.ok);
    for (let attempt = 0; attempt < 3; attempt++) {
      assert.equal((await signInAs(server, 'target@example.test', `guess ${attempt}`)).status, 401);
    }
    const limited = await signInAs(server, 'Target@example.test', target.oneTimePassword);
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error, 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal(limited.setCookie, '');

    assert.equal((await signInAs(server, 'other@example.test', other.oneTimePassword)).status, 200, 'another e-mail is not held back');
    const sessions = await server.db.query('select 1 from operator_sessions where operator_id = $1', [target.operator.id]);
    assert.equal(sessions.length, 0);
  });
});
