import { AdminError } from './admin-error.js';
import { Type, type TSchema } from '@sinclair/typebox';

/** A value or null. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** The admin API's error body (docs/admin-api.md "Errors"). */
export const AdminErrorBody = Type.Object({ error: Type.String(), message: Type.String() });

/** The errors an admin call can answer besides its success. */
export const ADMIN_ERROR_RESPONSES = {
  400: AdminErrorBody,
  401: AdminErrorBody,
  403: AdminErrorBody,
  404: AdminErrorBody,
  409: AdminErrorBody,
};

/** A page size in a query string (1–100; query strings are not coerced, so it arrives as text). */
export const LimitParam = Type.String({ pattern: '^[0-9]{1,3}$', description: '1–100, default 25' });

/** An id in a path or a filter. */
export const IdParam = Type.String({ minLength: 1, maxLength: 100 });

/** The page size a `limit` asks for (docs/admin-api.md "Conventions"). */
export function pageSize(limit: string | undefined): number {
  if (limit === undefined) return 25;
  const n = Number(limit);
  if (!(n >= 1 && n <= 100)) throw new AdminError('bad_request', 'limit must be from 1 to 100');
  return n;
}
