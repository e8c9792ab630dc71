/**
 * A merchant's return endpoint on loopback, for browser tests: it takes the browser's return (a
 * GET with the outcome in the query, or a form POST), checks the signature with the verifiers
 * written from the documents (merchant-return.ts) and answers a page that says what it got.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { juspaySignatureValid, pineLabsSignatureValid, type MerchantReturn } from './merchant-return.js';

export interface ReceivedReturn extends MerchantReturn {
  /** Whether the signature verified with the merchant's key for the dialect. */
  signatureValid: boolean;
}

export interface MerchantReceiver {
  /** A return URL on this receiver (http to loopback, which Holdfast accepts). */
  url(path: string): string;
  /** Every return received so far, oldest first. */
  received: ReceivedReturn[];
  /** The next return to arrive (or the one already there, when `after` returns exist). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedReturn>;
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startMerchantReceiver(keys: {
  pinelabs_redirect_secret: string;
  juspay_response_key: string;
}): Promise<MerchantReceiver> {
  const received: ReceivedReturn[] = [];
  const waiters: (() => void)[] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const method = request.method === 'POST' ? 'POST' : 'GET';
      const fields =
        method === 'POST' ? Object.fromEntries(new URLSearchParams(await bodyOf(request))) : Object.fromEntries(url.searchParams);
      const full = new URL(`http://${request.headers.host ?? '127.0.0.1'}${request.url ?? '/'}`);
      const signatureValid =
        method === 'POST'
          ? pineLabsSignatureValid(fields, keys.pinelabs_redirect_secret)
          : juspaySignatureValid(full, keys.juspay_response_key);
      received.push({ method, url: full, fields, signatureValid });
      for (const wake of waiters.splice(0)) wake();
      const rows = Object.entries(fields)
        .map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v)}</td></tr>`)
        .join('');
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(
        `<!doctype html><title>Merchant</title><h1 id="verdict">Signature ${signatureValid ? 'valid' : 'INVALID'}</h1><p id="status">${escape(fields.status ?? '')}</p><table>${rows}</table>`,
      );
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    async waitFor(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`the merchant received ${received.length} returns, not ${count}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
      return received[count - 1]!;
    },
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}
