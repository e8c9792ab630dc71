/**
 * The dashboard's only way to the server: the admin API under /admin/v1 (docs/admin-api.md), with
 * the session cookie (same origin only) and, on every changing call, the CSRF token the session
 * answered. The token lives in memory only; a reload asks GET /session for it again.
 */
const BASE = '/admin/v1';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
let sessionEnded: () => void = () => undefined;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** What to do when any call answers 401: the session is over (expired, revoked or signed out). */
export function onSessionEnded(handler: () => void): void {
  sessionEnded = handler;
}

export type Query = Record<string, string | number | boolean | readonly string[] | null | undefined>;

/** `?a=1&b=2` from the filled-in values (repeatable ones as repeated keys), or ''. */
export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const item of value as readonly string[]) params.append(key, item);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export interface CallOptions {
  query?: Query;
  body?: unknown;
  /** Signing in answers 401 for a wrong pair: that is not a session that ended. */
  quietUnauthenticated?: boolean;
}

export async function call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    if (csrfToken) headers['x-csrf-token'] = csrfToken;
    // Kept in the change's audit entry (docs/admin-api.md, Conventions); randomUUID needs a secure context.
    if (typeof crypto.randomUUID === 'function') headers['request-id'] = crypto.randomUUID();
  }
  let response: Response;
  try {
    response = await fetch(`${BASE}${path}${queryString(options.query)}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached. Check the connection and try again.');
  }
  const text = await response.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (!response.ok) {
    const error = body as { error?: unknown; message?: unknown } | undefined;
    const code = typeof error?.error === 'string' ? error.error : 'http_error';
    const message = typeof error?.message === 'string' ? error.message : `The server answered ${response.status}`;
    if (response.status === 401 && !options.quietUnauthenticated) sessionEnded();
    throw new ApiError(response.status, code, message);
  }
  return body as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => call<T>('GET', path, query ? { query } : {}),
  post: <T>(path: string, body: unknown = {}) => call<T>('POST', path, { body }),
  patch: <T>(path: string, body: unknown) => call<T>('PATCH', path, { body }),
  delete: <T>(path: string) => call<T>('DELETE', path),
};

/** A readable message for anything a call threw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong';
}
