import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { adminClient } from '../helpers/admin.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

type Client = Awaited<ReturnType<typeof adminClient>>;

/** A webhook receiver that records what arrives and answers `status`. */
async function startHookReceiver(status = 200) {
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(status).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => {
          r();
        });
      }),
  };
}

const auditOf = (server: TestServer, action: string, targetId: string) =>
  server.db.query<{ actor_name: string; before: unknown; after: unknown; merchant_id: string | null; request_id: string | null }>(
    'select actor_name, before, after, merchant_id, request_id from audit_log where action = $1 and target_id = $2 order by id',
    [action, targetId],
  );

describe('admin API: merchants', () => {
  let server: TestServer;
  let admin: Client;
  let support: Client;
  let viewer: Client;
  let mine: string;
  let theirs: string;
  let limitedAdmin: Client;
  let limitedViewer: Client;

  before(async () => {
    server = await startTestServer();
    admin = await adminClient(server, 'admin');
    support = await adminClient(server, 'support');
    viewer = await adminClient(server, 'viewer');
    mine = (await server.newMerchant('Mine')).merchant_id;
    theirs = (await server.newMerchant('Theirs')).merchant_id;
    limitedAdmin = await adminClient(server, 'admin', [mine]);
    limitedViewer = await adminClient(server, 'viewer', [mine]);
  });
  after(() => server.close());

  it('an unlimited admin creates a merchant: its settings and its credentials once, audited without a secret', async () => {
    const created = await admin.post('/merchants', {
      name: 'Acme',
      webhook_url: 'https://acme.example/hooks',
      capture_window_seconds: 3600,
    });
    assert.equal(created.status, 201);
    const { merchant, credentials } = created.body;
    assert.deepEqual(Object.keys(merchant).sort(), [
      'capture_window_seconds',
      'connector',
      'created_at',
      'disabled_at',
      'id',
      'name',
      'webhook_basic_auth_set',
      'webhook_url',
    ]);
    assert.equal(merchant.name, 'Acme');
    assert.equal(merchant.connector, 'sandbox');
    assert.equal(merchant.webhook_url, 'https://acme.example/hooks');
    assert.equal(merchant.capture_window_seconds, 3600);
    assert.equal(merchant.webhook_basic_auth_set, false);
    assert.equal(merchant.disabled_at, null);
    assert.equal(credentials.merchant_id, merchant.id);
    for (const key of ['client_id', 'client_secret', 'api_key', 'webhook_secret', 'pinelabs_redirect_secret', 'juspay_response_key']) {
      assert.equal(typeof credentials[key], 'string', key);
    }
    // The new merchant authenticates on the dialects with what was shown.
    const token = await fetch(`${server.baseUrl}/api/auth/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: credentials.client_id,
        client_secret: credentials.client_secret,
        grant_type: 'client_credentials',
      }),
    });
    assert.equal(token.status, 200);

    const audit = await auditOf(server, 'merchant.create', merchant.id);
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor_name, 'test admin');
    assert.equal(audit[0]!.merchant_id, merchant.id);
    const dumped = JSON.stringify(audit);
    for (const secret of Object.values(credentials as Record<string, string>).filter(
      (v) => v !== merchant.id && v !== credentials.client_id,
    )) {
      assert.ok(!dumped.includes(secret));
    }
    const stored = await server.db.query<{ dump: string }>(
      `select (select row_to_json(m)::text from merchants m where id = $1) || (select json_agg(c)::text from merchant_credentials c where merchant_id = $1) as dump`,
      [merchant.id],
    );
    for (const key of ['client_secret', 'api_key', 'webhook_secret', 'pinelabs_redirect_secret', 'juspay_response_key']) {
      assert.ok(!stored[0]!.dump.includes(credentials[key]), `${key} is stored only hashed or sealed`);
    }
  });

  it('creating needs an unlimited admin: viewer, support and a limited admin are refused and nothing is created', async () => {
    const before = await server.db.query<{ n: number }>('select count(*)::int as n from merchants');
    for (const [client, status] of [
      [viewer, 403],
      [support, 403],
      [limitedAdmin, 403],
    ] as const) {
      const response = await client.post('/merchants', { name: 'Nope' });
      assert.equal(response.status, status);
      assert.equal(response.body.error, 'forbidden');
      assert.equal(typeof response.body.message, 'string');
    }
    const afterCount = await server.db.query<{ n: number }>('select count(*)::int as n from merchants');
    assert.equal(afterCount[0]!.n, before[0]!.n);
  });

  it('refuses bad input with 400 in the admin shape and creates nothing', async () => {
    const before = await server.db.query<{ n: number }>('select count(*)::int as n from merchants');
    for (const body of [
      {},
      { name: '' },
      { name: 'x', webhook_url: 'ftp://x.example' },
      { name: 'x', webhook_url: 'not a url' },
      { name: 'x', connector: 'paypal' },
      { name: 'x', capture_window_seconds: 0 },
      { name: 'x', capture_window_seconds: 1.5 },
      { name: 'x', surprise: true },
    ]) {
      const response = await admin.post('/merchants', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(response.body.error, 'bad_request');
      assert.equal(typeof response.body.message, 'string');
    }
    const afterCount = await server.db.query<{ n: number }>('select count(*)::int as n from merchants');
    assert.equal(afterCount[0]!.n, before[0]!.n);
  });

  it('lists and reads merchants within the actor’s scope; others are 404 and never listed', async () => {
    const all = await viewer.get('/merchants');
    assert.equal(all.status, 200);
    const ids = all.body.data.map((m: { id: string }) => m.id);
    assert.ok(ids.includes(mine) && ids.includes(theirs));

    const limited = await limitedViewer.get('/merchants');
    assert.deepEqual(
      limited.body.data.map((m: { id: string }) => m.id),
      [mine],
    );
    assert.equal((await limitedViewer.get(`/merchants/${mine}`)).body.id, mine);
    for (const path of [`/merchants/${theirs}`, `/merchants/${theirs}/credentials`, '/merchants/mer_doesnotexist']) {
      const response = await limitedViewer.get(path);
      assert.equal(response.status, 404, path);
      assert.equal(response.body.error, 'not_found');
    }
    assert.equal((await viewer.get('/merchants/mer_doesnotexist')).status, 404);
    for (const [path, body] of [
      [`/merchants/${theirs}`, { name: 'Stolen' }],
      [`/merchants/${theirs}/credentials/api_key/rotate`, {}],
    ] as const) {
      const response = path.endsWith('rotate') ? await limitedAdmin.post(path, body) : await limitedAdmin.patch(path, body);
      assert.equal(response.status, 404, path);
    }
    const theirsNow = await viewer.get(`/merchants/${theirs}`);
    assert.equal(theirsNow.body.name, 'Theirs');
    assert.equal((await auditOf(server, 'credential.rotate', theirs)).length, 0);
  });

  it('an admin changes settings; each change is audited with before and after but never the Basic credentials', async () => {
    const patched = await admin.patch(`/merchants/${mine}`, {
      name: 'Mine, renamed',
      webhook_url: 'https://mine.example/hooks',
      webhook_basic_auth: 'user:s3cret-pass',
      capture_window_seconds: 7200,
      connector: 'http-acquirer',
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.name, 'Mine, renamed');
    assert.equal(patched.body.webhook_url, 'https://mine.example/hooks');
    assert.equal(patched.body.webhook_basic_auth_set, true);
    assert.equal(patched.body.capture_window_seconds, 7200);
    assert.equal(patched.body.connector, 'http-acquirer');
    assert.deepEqual((await viewer.get(`/merchants/${mine}`)).body, patched.body);

    const cleared = await limitedAdmin.patch(`/merchants/${mine}`, {
      webhook_url: null,
      webhook_basic_auth: null,
      capture_window_seconds: null,
      connector: 'sandbox',
    });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.webhook_url, null);
    assert.equal(cleared.body.webhook_basic_auth_set, false);
    assert.equal(cleared.body.capture_window_seconds, null);

    const audit = await auditOf(server, 'merchant.update', mine);
    assert.equal(audit.length, 2);
    assert.equal((audit[0]!.before as { name: string }).name, 'Mine');
    assert.equal((audit[0]!.after as { name: string }).name, 'Mine, renamed');
    assert.ok(!JSON.stringify(audit).includes('s3cret-pass'));
    const stored = await server.db.query<{ dump: string }>('select row_to_json(m)::text as dump from merchants m where id = $1', [mine]);
    assert.ok(!stored[0]!.dump.includes('s3cret-pass'));
  });

  it('disabling refuses the merchant’s API key; enabling accepts it again', async () => {
    const merchant = await server.newMerchant('To disable');
    const juspay = () =>
      fetch(`${server.baseUrl}/orders/nope`, {
        headers: { authorization: `Basic ${Buffer.from(`${merchant.api_key}:`).toString('base64')}` },
      });
    assert.equal((await juspay()).status, 404);
    const disabled = await admin.patch(`/merchants/${merchant.merchant_id}`, { disabled: true });
    assert.equal(disabled.status, 200);
    assert.equal(typeof disabled.body.disabled_at, 'string');
    // Within a second in every process (merchant-status.ts).
    await eventually(async () => (await juspay()).status === 401);
    const enabled = await admin.patch(`/merchants/${merchant.merchant_id}`, { disabled: false });
    assert.equal(enabled.body.disabled_at, null);
    await eventually(async () => (await juspay()).status === 404);
  });

  it('viewer and support may not change merchants or credentials: 403, nothing changed, nothing audited', async () => {
    const merchant = await server.newMerchant('Unchanged');
    const id = merchant.merchant_id;
    const credentials = (await viewer.get(`/merchants/${id}/credentials`)).body.data;
    const old = credentials.find((c: { kind: string }) => c.kind === 'api_key');
    for (const client of [viewer, support]) {
      for (const [method, path, body] of [
        ['PATCH', `/merchants/${id}`, { name: 'Changed' }],
        ['POST', `/merchants/${id}/credentials/api_key/rotate`, { overlap_seconds: 10 }],
        ['POST', `/merchants/${id}/credentials/${old.id}/revoke`, {}],
      ] as const) {
        const response = method === 'PATCH' ? await client.patch(path, body) : await client.post(path, body);
        assert.equal(response.status, 403, `${method} ${path}`);
        assert.equal(response.body.error, 'forbidden');
      }
    }
    assert.equal((await viewer.get(`/merchants/${id}`)).body.name, 'Unchanged');
    assert.deepEqual((await viewer.get(`/merchants/${id}/credentials`)).body.data, credentials);
    const audit = await server.db.query('select 1 from audit_log where merchant_id = $1', [id]);
    assert.equal(audit.length, 0);
    assert.equal((await viewer.post(`/merchants/${id}/webhooks/test`)).status, 403);
  });

  it('refuses bad changes with 400 and changes nothing', async () => {
    const before = (await viewer.get(`/merchants/${theirs}`)).body;
    for (const body of [
      {},
      { name: '' },
      { webhook_url: 'javascript:alert(1)' },
      { webhook_basic_auth: 'no-colon' },
      { capture_window_seconds: -5 },
      { connector: 'other' },
      { disabled: 'yes' },
      { id: 'mer_other' },
    ]) {
      const response = await admin.patch(`/merchants/${theirs}`, body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(response.body.error, 'bad_request');
    }
    assert.deepEqual((await viewer.get(`/merchants/${theirs}`)).body, before);
  });

  it('lists credentials without secrets; rotation and revocation follow the rules and are audited', async () => {
    const merchant = await server.newMerchant('Credentials');
    const id = merchant.merchant_id;
    const listed = await viewer.get(`/merchants/${id}/credentials`);
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.data.map((c: { kind: string }) => c.kind).sort(), [
      'api_key',
      'client_secret',
      'redirect_keys',
      'webhook_secret',
    ]);
    for (const c of listed.body.data) {
      assert.deepEqual(Object.keys(c).sort(), ['created_at', 'expires_at', 'hint', 'id', 'kind', 'revoked_at', 'status']);
      assert.equal(c.status, 'active');
      assert.equal(c.hint.length, 4);
    }
    assert.equal(listed.body.data.find((c: { kind: string }) => c.kind === 'api_key').hint, merchant.api_key.slice(-4));
    assert.ok(!JSON.stringify(listed.body).includes(merchant.api_key));

    for (const [kind, keys] of [
      ['client_secret', ['client_id', 'client_secret']],
      ['api_key', ['api_key']],
      ['webhook_secret', ['webhook_secret']],
      ['redirect_keys', ['juspay_response_key', 'pinelabs_redirect_secret']],
    ] as const) {
      const rotated = await admin.post(`/merchants/${id}/credentials/${kind}/rotate`, { overlap_seconds: 60 });
      assert.equal(rotated.status, 200, kind);
      assert.deepEqual(Object.keys(rotated.body.secret).sort(), keys);
      assert.equal(rotated.body.credential.kind, kind);
      assert.equal(rotated.body.credential.status, 'active');
    }
    assert.equal(
      (await admin.post(`/merchants/${id}/credentials/client_secret/rotate`, {})).body.secret.client_id,
      merchant.client_id,
      'the client id stays; only its secret changes',
    );
    const after = (await viewer.get(`/merchants/${id}/credentials`)).body.data as Array<{
      id: string;
      kind: string;
      status: string;
      expires_at: string | null;
    }>;
    const apiKeys = after.filter((c) => c.kind === 'api_key');
    assert.deepEqual(
      apiKeys.map((c) => c.status),
      ['active', 'expiring'],
    );
    assert.equal(new Date(apiKeys[1]!.expires_at!).getTime(), server.clock.now().getTime() + 60_000);

    const newest = await admin.post(`/merchants/${id}/credentials/${apiKeys[0]!.id}/revoke`);
    assert.equal(newest.status, 409);
    assert.equal(newest.body.error, 'conflict');
    const revoked = await admin.post(`/merchants/${id}/credentials/${apiKeys[1]!.id}/revoke`);
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body.credential.status, 'revoked');
    assert.equal(typeof revoked.body.credential.revoked_at, 'string');
    assert.equal((await admin.post(`/merchants/${id}/credentials/${apiKeys[1]!.id}/revoke`)).status, 409, 'already revoked');
    assert.equal((await admin.post(`/merchants/${id}/credentials/cred_nope/revoke`)).status, 404);

    const rotations = await server.db.query<{ after: { kind: string } }>(
      `select after from audit_log where action = 'credential.rotate' and merchant_id = $1`,
      [id],
    );
    assert.equal(rotations.length, 5);
    assert.equal((await auditOf(server, 'credential.revoke', apiKeys[1]!.id)).length, 1);
    assert.ok(
      !JSON.stringify(await server.db.query('select before, after from audit_log where merchant_id = $1', [id])).includes(merchant.api_key),
    );
  });

  it('refuses bad rotations with 400 and rotates nothing', async () => {
    const merchant = await server.newMerchant('Bad rotations');
    const id = merchant.merchant_id;
    const before = (await viewer.get(`/merchants/${id}/credentials`)).body.data;
    for (const [kind, body] of [
      ['api_key', { overlap_seconds: -1 }],
      ['api_key', { overlap_seconds: 604_801 }],
      ['api_key', { overlap_seconds: 'soon' }],
      ['api_key', { overlap_seconds: 1.5 }],
      ['api_key', { other: 1 }],
      ['password', {}],
    ] as const) {
      const response = await admin.post(`/merchants/${id}/credentials/${kind}/rotate`, body);
      assert.equal(response.status, 400, JSON.stringify([kind, body]));
      assert.equal(response.body.error, 'bad_request');
    }
    assert.deepEqual((await viewer.get(`/merchants/${id}/credentials`)).body.data, before);
    assert.equal((await admin.post('/merchants/mer_nope/credentials/api_key/rotate', {})).status, 404);
    // No body at all: the default overlap of a day.
    const response = await fetch(`${server.baseUrl}/admin/v1/merchants/${id}/credentials/api_key/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}` },
    });
    assert.equal(response.status, 200);
    const expiring = (await viewer.get(`/merchants/${id}/credentials`)).body.data.find((c: { status: string }) => c.status === 'expiring');
    assert.equal(new Date(expiring.expires_at).getTime(), server.clock.now().getTime() + 86_400_000);
  });

  it('support sends a signed test webhook now; only an audit entry is stored', async () => {
    const receiver = await startHookReceiver(200);
    const failing = await startHookReceiver(500);
    try {
      const merchant = await server.newMerchant('Hooked', { webhookUrl: receiver.url });
      const eventsBefore = await server.db.query<{ n: number }>('select count(*)::int as n from webhook_events');
      const sent = await support.post(`/merchants/${merchant.merchant_id}/webhooks/test`);
      assert.equal(sent.status, 200);
      assert.equal(sent.body.delivered, true);
      assert.equal(sent.body.status_code, 200);
      assert.equal(sent.body.error, null);
      assert.equal(typeof sent.body.latency_ms, 'number');
      assert.equal(receiver.received.length, 1);
      assert.equal(JSON.parse(receiver.received[0]!.body).event_type, 'TEST');
      assert.ok(receiver.received[0]!.headers['webhook-signature']);
      const eventsAfter = await server.db.query<{ n: number }>('select count(*)::int as n from webhook_events');
      assert.equal(eventsAfter[0]!.n, eventsBefore[0]!.n);
      assert.equal((await auditOf(server, 'webhook.test', merchant.merchant_id)).length, 1);

      await admin.patch(`/merchants/${merchant.merchant_id}`, { webhook_url: failing.url });
      const refused = await support.post(`/merchants/${merchant.merchant_id}/webhooks/test`);
      assert.deepEqual(
        { ...refused.body, latency_ms: 0 },
        { delivered: false, status_code: 500, latency_ms: 0, error: 'receiver answered 500' },
      );

      await admin.patch(`/merchants/${merchant.merchant_id}`, { webhook_url: null });
      const noUrl = await support.post(`/merchants/${merchant.merchant_id}/webhooks/test`);
      assert.equal(noUrl.status, 409);
      assert.equal(noUrl.body.error, 'conflict');
      assert.equal((await limitedAdmin.post(`/merchants/${merchant.merchant_id}/webhooks/test`)).status, 404);
    } finally {
      await receiver.close();
      await failing.close();
    }
  });
});

/** Polls `check` until it holds (up to ~1.5 s: changes reach every process within a second). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 1500;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) assert.fail('did not happen within 1.5 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
