import { createAdminToken } from '../../src/core/admin/admin-tokens.js';
import { CLI_ACTOR } from '../../src/core/admin/audit.js';
import { createOperator } from '../../src/core/admin/operators.js';
import type { OperatorRole } from '../../src/domain/operator-roles.js';
import { checkAgainstDocument } from './openapi-validator.js';
import type { TestServer } from './test-server.js';

/** An admin API caller: a fresh admin token of `role` (limited to `merchantIds` when given) and a fetch that sends it. */
export async function adminClient(server: TestServer, role: OperatorRole, merchantIds: string[] | null = null) {
  const issued = await createAdminToken(server.app.ctx, { name: `test ${role}`, role, merchantIds }, CLI_ACTOR);
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.baseUrl}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${issued.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return answerOf(server, method, path, response);
  };
  return {
    token: issued.token,
    id: issued.id,
    get: (path: string) => call('GET', path),
    post: (path: string, body: unknown = {}) => call('POST', path, body),
    patch: (path: string, body: unknown) => call('PATCH', path, body),
    delete: (path: string) => call('DELETE', path),
  };
}

/** The response of an admin API call: status, parsed body (undefined when empty) and headers. */
export interface AdminResponse {
  status: number;
  body: any;
  headers: Headers;
}

/**
 * An admin answer, parsed; every one is also checked against the served /openapi/admin.json, so
 * each admin suite checks the document too.
 */
async function answerOf(server: TestServer, method: string, path: string, response: Response): Promise<AdminResponse> {
  const text = await response.text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  await checkAgainstDocument(server.baseUrl, 'admin', method, `/admin/v1${path}`, response.status, body);
  return { status: response.status, body, headers: response.headers };
}

/** One admin API call with whatever headers the caller chooses (a cookie, a CSRF token, none). */
export async function adminCall(
  server: TestServer,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<AdminResponse> {
  const response = await fetch(`${server.baseUrl}/admin/v1${path}`, {
    method,
    headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return answerOf(server, method, path, response);
}

/** `POST /session`; with the session cookie's `name=value` when it succeeded. */
export async function signInAs(server: TestServer, email: string, password: string) {
  const response = await adminCall(server, 'POST', '/session', { body: { email, password } });
  const setCookie = response.headers.get('set-cookie') ?? '';
  const cookie = response.status === 200 ? setCookie.split(';')[0]! : undefined;
  return { ...response, cookie, setCookie };
}

let operatorCount = 0;

/**
 * A signed-in operator of `role` (limited to `merchantIds` when given) who has already replaced
 * its one-time password, and a fetch that sends its session cookie and CSRF token, as the
 * dashboard does.
 */
export async function operatorSession(server: TestServer, role: OperatorRole, merchantIds: string[] | null = null) {
  operatorCount += 1;
  const email = `${role}-${operatorCount}-${Date.now()}@example.test`;
  const created = await createOperator(server.app.ctx, { email, role, merchantIds }, CLI_ACTOR);
  if (!created.ok) throw new Error(`operator ${email} exists already`);
  const signedIn = await signInAs(server, email, created.oneTimePassword);
  if (!signedIn.cookie) throw new Error(`sign-in failed: ${signedIn.status} ${JSON.stringify(signedIn.body)}`);
  const cookie = signedIn.cookie;
  const csrfToken: string = signedIn.body.csrf_token;
  const password = `chosen ${email} password`;
  const headers = { cookie, 'x-csrf-token': csrfToken };
  const changed = await adminCall(server, 'POST', '/session/password', {
    body: { current_password: created.oneTimePassword, new_password: password },
    headers,
  });
  if (changed.status !== 200) throw new Error(`password change failed: ${changed.status} ${JSON.stringify(changed.body)}`);
  const call = (method: string, path: string, body?: unknown) => adminCall(server, method, path, { body, headers });
  return {
    id: created.operator.id,
    email,
    password,
    cookie,
    csrfToken,
    get: (path: string) => call('GET', path),
    post: (path: string, body: unknown = {}) => call('POST', path, body),
    patch: (path: string, body: unknown) => call('PATCH', path, body),
    delete: (path: string) => call('DELETE', path),
  };
}
