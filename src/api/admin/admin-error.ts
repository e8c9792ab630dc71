import { RenderedError } from '../error-handler.js';

/** Codes of the admin API's errors; the body is always `{ "error": code, "message": text }` (docs/admin-api.md). */
export type AdminErrorCode =
  'bad_request' | 'unauthenticated' | 'forbidden' | 'csrf_failed' | 'password_change_required' | 'not_found' | 'conflict' | 'rate_limited';

const STATUS: Record<AdminErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  password_change_required: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
};

/** An admin API error: thrown anywhere under /admin/v1, sent as is by the error handler. */
export class AdminError extends RenderedError {
  constructor(
    readonly code: AdminErrorCode,
    message: string,
  ) {
    super({ status: STATUS[code], body: { error: code, message } }, message);
    this.name = 'AdminError';
  }
}
