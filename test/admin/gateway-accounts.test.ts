/**
 * A merchant's gateway accounts through the admin API (docs/admin-api.md "Gateway accounts",
 * docs/gateways.md): added with credentials that are stored only sealed and never come back in an
 * answer or an audit entry; bad input named; roles and merchant scope honoured; disable and enable
 * audited.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminCall, adminClient } from '../helpers/admin.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

type Client = Awaited<ReturnType<typeof adminClient>>;

const PINE = {
  name: 'pine primary',
  kind: 'pinelabs-online',
  base_url: 'https://pluraluat.v2.pinepg.in/',
  client_id: 'client-id-public-7Q2x',
  client_secret: 'pine-client-secret-never-shown-91',
  webhook_secret: 'whsec_c2VjcmV0LXdlYmhvb2stc2lnbmluZy1rZXk=',
  redirect_key: 'A1B2C3D4E5F60718293A4B5C6D7E8F90',
};
const JUSPAY = {
  name: 'juspay backup',
  kind: 'juspay',
  base_url: 'https://sandbox.juspay.in',
  api_key: 'juspay-api-key-never-shown-5e7f',
  upstream_merchant_id: 'acme_upstream',
  webhook_basic_auth: 'hook-user:hook-password-never-shown',
};
const SECRETS = [
  PINE.client_secret,
  PINE.webhook_secret,
  PINE.redirect_key,
  JUSPAY.api_key,
  'hook-password-never-shown',
  'c2VjcmV0LXdlYmhvb2stc2lnbmluZy1rZXk',
];

function assertNoSecret(value: unknown, where: string): void {
  const text = JSON.stringify(value);
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `${where} holds no credential`);
}

const auditOf = (server: TestServer, targetId: string) =>
  server.db.query<{ action: string; actor_name: string; merchant_id: string | null; request_id: string | null; before: any; after: any }>(
    "select action, actor_name, merchant_id, request_id, before, after from audit_log where target_type = 'gateway_account' and target_id = $1 order by id",
    [targetId],
  );

const countAccounts = async (server: TestServer) =>
  (await server.db.query<{ n: number }>('select count(*)::int as n from gateway_accounts'))[0]!.n;

describe('admin API: gateway accounts', () => {
  let server: TestServer;
  let admin: Client;
  let support: Client;
  let viewer: Client;
  let limitedAdmin: Client;
  let mine: string;
  let theirs: string;
  let theirAccount: string;

  before(async () => {
    server = await startTestServer();
    admin = await adminClient(server, 'admin');
    support = await adminClient(server, 'support');
    viewer = await adminClient(server, 'viewer');
    mine = (await server.newMerchant('Mine')).merchant_id;
    theirs = (await server.newMerchant('Theirs')).merchant_id;
    limitedAdmin = await adminClient(server, 'admin', [mine]);
    const added = await admin.post(`/merchants/${theirs}/gateway-accounts`, { name: 'their sandbox', kind: 'sandbox' });
    assert.equal(added.status, 201);
    theirAccount = added.body.account.id;
  });
  after(() => server.close());

  it('an admin adds a Pine Labs account: its id, which credentials are set, never their values; stored sealed; audited', async () => {
    const response = await adminCall(server, 'POST', `/merchants/${mine}/gateway-accounts`, {
      body: PINE,
      headers: { authorization: `Bearer ${admin.token}`, 'request-id': 'req-add-pine' },
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    const account = response.body.account;
    assert.deepEqual(Object.keys(account).sort(), [
      'base_url',
      'created_at',
      'credentials',
      'disabled_at',
      'hint',
      'id',
      'kind',
      'merchant_id',
      'name',
      'updated_at',
      'webhook_url',
    ]);
    assert.match(account.id, /^gwa_[A-Za-z0-9]{20}$/);
    assert.equal(account.merchant_id, mine);
    assert.equal(account.name, 'pine primary');
    assert.equal(account.kind, 'pinelabs-online');
    assert.equal(account.base_url, 'https://pluraluat.v2.pinepg.in', 'the trailing slash is dropped');
    assert.deepEqual(account.credentials, ['client_id', 'client_secret', 'webhook_secret', 'redirect_key']);
    assert.equal(account.hint, '7Q2x', 'the last four characters of the client id');
    assert.equal(account.webhook_url, `${server.baseUrl}/upstream/${account.id}/webhooks`);
    assert.equal(account.disabled_at, null);
    assertNoSecret(response.body, 'the answer');

    const rows = await server.db.query<{ dump: string; credentials_ciphertext: string }>(
      'select row_to_json(g)::text as dump, credentials_ciphertext from gateway_accounts g where id = $1',
      [account.id],
    );
    assert.equal(rows.length, 1);
    assert.match(rows[0]!.credentials_ciphertext, /^v2\.enc-\d+\./, 'sealed with the current encryption key');
    assertNoSecret(rows[0]!.dump, 'the stored row');
    assert.ok(!rows[0]!.dump.includes(PINE.client_id), 'even the client id is inside the sealed object');

    const audit = await auditOf(server, account.id);
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.action, 'gateway_account.add');
    assert.equal(audit[0]!.actor_name, 'test admin');
    assert.equal(audit[0]!.merchant_id, mine);
    assert.equal(audit[0]!.request_id, 'req-add-pine');
    assert.equal(audit[0]!.after.id, account.id);
    assert.deepEqual(audit[0]!.after.credentials, account.credentials);
    assertNoSecret(audit, 'the audit entry');
  });

  it('lists a merchant’s accounts in the order they were added, each kind with only the names of its credentials', async () => {
    const juspay = await admin.post(`/merchants/${mine}/gateway-accounts`, JUSPAY);
    assert.equal(juspay.status, 201, JSON.stringify(juspay.body));
    assert.deepEqual(juspay.body.account.credentials, ['api_key', 'upstream_merchant_id', 'webhook_basic_auth']);
    assert.equal(juspay.body.account.hint, '5e7f');
    const acquirer = await admin.post(`/merchants/${mine}/gateway-accounts`, {
      name: 'acquirer',
      kind: 'http-acquirer',
      base_url: 'http://127.0.0.1:9/acq',
    });
    assert.equal(acquirer.status, 201, JSON.stringify(acquirer.body));
    assert.deepEqual(acquirer.body.account.credentials, []);
    assert.equal(acquirer.body.account.hint, null);

    const listed = await viewer.get(`/merchants/${mine}/gateway-accounts`);
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body.data.map((a: any) => [a.name, a.kind]),
      [
        ['pine primary', 'pinelabs-online'],
        ['juspay backup', 'juspay'],
        ['acquirer', 'http-acquirer'],
      ],
    );
    assert.ok(listed.body.data.every((a: any) => a.merchant_id === mine));
    assertNoSecret(listed.body, 'the listing');
    assert.deepEqual(
      (await viewer.get(`/merchants/${theirs}/gateway-accounts`)).body.data.map((a: any) => a.id),
      [theirAccount],
    );
  });

  it('bad input is a 400 that names the field, and nothing is stored or audited', async () => {
    const storedBefore = await countAccounts(server);
    const auditBefore = (await server.db.query('select 1 from audit_log')).length;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...PINE, name: 'no secret', client_secret: undefined }, /client_secret is required for a pinelabs-online account/],
      [{ ...PINE, name: 'no url', base_url: undefined }, /base_url is required/],
      [{ ...PINE, name: 'ftp', base_url: 'ftp://gateway.example' }, /base_url must be an absolute http\(s\) URL/],
      [{ ...PINE, name: 'relative', base_url: '/api/pay' }, /base_url must be an absolute http\(s\) URL/],
      [{ ...PINE, name: 'userinfo', base_url: 'https://user:pw@gateway.example' }, /base_url must not hold a user name or password/],
      [{ ...PINE, name: 'wrong key', api_key: 'k' }, /api_key/],
      [{ ...PINE, name: 'bad whsec', webhook_secret: 'not base64!' }, /webhook_secret must be a Standard Webhooks secret/],
      [{ ...JUSPAY, name: 'no upstream id', upstream_merchant_id: undefined }, /upstream_merchant_id is required for a juspay account/],
      [{ ...JUSPAY, name: 'bad basic', webhook_basic_auth: 'no-colon' }, /webhook_basic_auth must be "user:password"/],
      [{ ...JUSPAY, name: 'pine secret', webhook_secret: PINE.webhook_secret }, /webhook_secret/],
      [{ name: 'sandbox with url', kind: 'sandbox', base_url: 'https://x.example' }, /base_url/],
      [{ name: 'acquirer without url', kind: 'http-acquirer' }, /base_url is required/],
      [{ name: 'paypal', kind: 'paypal' }, /kind must be one of/],
      [{ kind: 'sandbox' }, /name is required/],
      [{ name: '   ', kind: 'sandbox' }, /name must be/],
      [{ name: 'extra', kind: 'sandbox', surprise: true }, /additional properties/],
      [{ ...PINE, name: 'typed', client_id: 42 }, /client_id must be a string/],
    ];
    for (const [body, message] of cases) {
      const response = await admin.post(`/merchants/${mine}/gateway-accounts`, body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(response.body.error, 'bad_request');
      assert.match(response.body.message, message, JSON.stringify(body));
      assertNoSecret(response.body, 'an error');
    }
    const duplicate = await admin.post(`/merchants/${mine}/gateway-accounts`, { ...PINE, client_secret: 'another-secret' });
    assert.equal(duplicate.status, 409);
    assert.match(duplicate.body.message, /already has a gateway account named "pine primary"/);
    // The same name at another merchant is another account.
    const elsewhere = await admin.post(`/merchants/${theirs}/gateway-accounts`, { name: 'pine primary', kind: 'sandbox' });
    assert.equal(elsewhere.status, 201);
    assert.equal(await countAccounts(server), storedBefore + 1);
    assert.equal((await server.db.query('select 1 from audit_log')).length, auditBefore + 1);
  });

  it('viewer and support may not add, disable or enable; 403 and nothing changed', async () => {
    const storedBefore = await countAccounts(server);
    for (const client of [viewer, support]) {
      for (const path of [
        `/merchants/${mine}/gateway-accounts`,
        `/merchants/${theirs}/gateway-accounts/${theirAccount}/disable`,
        `/merchants/${theirs}/gateway-accounts/${theirAccount}/enable`,
      ]) {
        const response = await client.post(path, path.endsWith('gateway-accounts') ? { name: 'nope', kind: 'sandbox' } : {});
        assert.equal(response.status, 403, path);
        assert.equal(response.body.error, 'forbidden');
      }
    }
    assert.equal(await countAccounts(server), storedBefore);
    assert.equal((await viewer.get(`/merchants/${theirs}/gateway-accounts`)).body.data[0].disabled_at, null);
    assert.equal((await auditOf(server, theirAccount)).length, 1, 'only its add');
  });

  it('another merchant’s account, or a merchant outside the actor’s list, is a 404 as if it did not exist', async () => {
    // Through the wrong merchant's path, even for an unlimited admin.
    for (const change of ['disable', 'enable']) {
      const response = await admin.post(`/merchants/${mine}/gateway-accounts/${theirAccount}/${change}`);
      assert.equal(response.status, 404, change);
      assert.equal(response.body.error, 'not_found');
    }
    // An admin limited to `mine` sees nothing of `theirs`.
    assert.equal((await limitedAdmin.get(`/merchants/${theirs}/gateway-accounts`)).status, 404);
    assert.equal((await limitedAdmin.post(`/merchants/${theirs}/gateway-accounts`, { name: 'x', kind: 'sandbox' })).status, 404);
    assert.equal((await limitedAdmin.post(`/merchants/${theirs}/gateway-accounts/${theirAccount}/disable`)).status, 404);
    assert.equal((await limitedAdmin.get(`/merchants/${mine}/gateway-accounts`)).status, 200);
    // Unknown merchants and accounts.
    assert.equal((await admin.get('/merchants/mer_doesnotexist/gateway-accounts')).status, 404);
    assert.equal((await admin.post('/merchants/mer_doesnotexist/gateway-accounts', { name: 'x', kind: 'sandbox' })).status, 404);
    assert.equal((await admin.post(`/merchants/${mine}/gateway-accounts/gwa_doesnotexist/disable`)).status, 404);
    const theirsNow = (await viewer.get(`/merchants/${theirs}/gateway-accounts`)).body.data.find((a: any) => a.id === theirAccount);
    assert.equal(theirsNow.disabled_at, null);
    assert.equal((await auditOf(server, theirAccount)).length, 1);
  });

  it('disable and enable: audited with before and after, a repeat changes nothing, routing sees it at once', async () => {
    const added = await admin.post(`/merchants/${mine}/gateway-accounts`, { name: 'to disable', kind: 'sandbox' });
    const id: string = added.body.account.id;
    const accounts = server.app.ctx.gatewayAccounts;
    assert.ok((await accounts.routableAccounts(mine)).some((a) => a.id === id));
    assert.equal(await accounts.isDisabled(id), false);

    const disabled = await admin.post(`/merchants/${mine}/gateway-accounts/${id}/disable`);
    assert.equal(disabled.status, 200);
    assert.equal(typeof disabled.body.account.disabled_at, 'string');
    assert.equal(await accounts.isDisabled(id), true, 'this process honours its own change at once');
    assert.ok(!(await accounts.routableAccounts(mine)).some((a) => a.id === id));

    const again = await limitedAdmin.post(`/merchants/${mine}/gateway-accounts/${id}/disable`);
    assert.equal(again.status, 200);
    assert.equal(again.body.account.disabled_at, disabled.body.account.disabled_at, 'the first disable time is kept');

    const enabled = await admin.post(`/merchants/${mine}/gateway-accounts/${id}/enable`);
    assert.equal(enabled.status, 200);
    assert.equal(enabled.body.account.disabled_at, null);
    assert.equal(await accounts.isDisabled(id), false);

    const audit = await auditOf(server, id);
    assert.deepEqual(
      audit.map((a) => a.action),
      ['gateway_account.add', 'gateway_account.disable', 'gateway_account.enable'],
    );
    assert.equal(audit[1]!.before.disabled_at, null);
    assert.equal(audit[1]!.after.disabled_at, disabled.body.account.disabled_at);
    assert.equal(audit[2]!.after.disabled_at, null);
    assert.ok(audit.every((a) => a.merchant_id === mine));
  });
});
