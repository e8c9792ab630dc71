import { createAdminToken } from '../../src/core/admin/admin-tokens.js';
import { CLI_ACTOR } from '../../src/core/admin/audit.js';
import type { OperatorRole } from '../../src/domain/operator-roles.js';
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
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
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
