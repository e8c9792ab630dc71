import { createServer, type Server } from 'node:http';

/**
 * The merchant's end of a hosted flow: a local page the browser is sent back to (GET with the
 * outcome in the query, or a POSTed form), which records what arrived and shows it.
 */
export interface ReceivedReturn {
  method: string;
  path: string;
  params: Record<string, string>;
}

export interface MerchantReceiver {
  /** e.g. http://127.0.0.1:PORT/back — a loopback http URL, which return URLs may be. */
  url(path?: string): string;
  origin: string;
  received: ReceivedReturn[];
  close(): Promise<void>;
}

export async function startMerchantReceiver(): Promise<MerchantReceiver> {
  const received: ReceivedReturn[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://merchant');
      const params = Object.fromEntries(
        request.method === 'POST' ? new URLSearchParams(Buffer.concat(chunks).toString()) : url.searchParams,
      );
      received.push({ method: request.method ?? 'GET', path: url.pathname, params });
      const rows = Object.entries(params)
        .map(([k, v]) => `<tr><th>${escape(k)}</th><td data-param="${escape(k)}">${escape(v)}</td></tr>`)
        .join('');
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><title>Merchant</title><h1>Back at the merchant</h1><table>${rows}</table>`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('receiver has no port');
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    origin,
    url: (path = '/back') => `${origin}${path}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
