import type { TestServer } from './test-server.js';

export interface InjectedReply {
  status: number;
  body: any;
  headers: Record<string, string | string[] | number | undefined>;
}

/**
 * A request as if from client address `ip` (Fastify's inject sets the socket's remote address),
 * so tests of per-IP limits can play several clients from one machine.
 */
export async function fromIp(
  server: TestServer,
  ip: string,
  request: { method: 'GET' | 'POST' | 'PUT'; url: string; body?: unknown; headers?: Record<string, string> },
): Promise<InjectedReply> {
  const reply = await server.app.server.inject({
    method: request.method,
    url: request.url,
    remoteAddress: ip,
    headers: {
      accept: 'application/json',
      ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...request.headers,
    },
    ...(request.body === undefined ? {} : { payload: JSON.stringify(request.body) }),
  });
  let body: unknown = reply.body;
  try {
    body = reply.body ? JSON.parse(reply.body) : undefined;
  } catch {
    // an HTML page or plain text stays as text
  }
  return { status: reply.statusCode, body, headers: reply.headers };
}
