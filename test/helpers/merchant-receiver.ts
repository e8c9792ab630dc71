/**
 * The merchant's end of a hosted flow, on loopback, for browser tests: the page the browser is
 * sent back to (a GET with the outcome in the query, or a POSTed form). It records what arrived,
 * checks the signature with the verifiers written from the documents (merchant-return.ts) once it
 * is told the merchant's keys, and shows the outcome and the verdict.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import { juspaySignatureValid, pineLabsSignatureValid, type MerchantReturn } from './merchant-return.js';

export interface ReceivedReturn extends MerchantReturn {
  /** Whether the signature verified with the merchant's key for the dialect; undefined before keys were given. */
  signatureValid: boolean | undefined;
  /** The request's headers and raw body, as a webhook's signature is checked over them. */
  headers: IncomingHttpHeaders;
  body: string;
}

export interface MerchantKeys {
  pinelabs_redirect_secret: string;
  juspay_response_key: string;
}

export interface MerchantReceiver {
  /** e.g. http://127.0.0.1:PORT/back — a loopback http URL, which return URLs may be. */
  url(path?: string): string;
  origin: string;
  /** Every return received so far, oldest first. */
  received: ReceivedReturn[];
  /** The keys the signatures are checked with from now on. */
  trust(keys: MerchantKeys): void;
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startMerchantReceiver(): Promise<MerchantReceiver> {
  const received: ReceivedReturn[] = [];
  let keys: MerchantKeys | undefined;
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', `http://${request.headers.host ?? '127.0.0.1'}`);
      // The browser asks the merchant's site for its icon too; that is not a return.
      if (url.pathname === '/favicon.ico') return void response.writeHead(404).end();
      const method = request.method === 'POST' ? 'POST' : 'GET';
      const body = await bodyOf(request);
      const fields = Object.fromEntries(method === 'POST' ? new URLSearchParams(body) : url.searchParams);
      const signatureValid = !keys
        ? undefined
        : method === 'POST'
          ? pineLabsSignatureValid(fields, keys.pinelabs_redirect_secret)
          : juspaySignatureValid(url, keys.juspay_response_key);
      received.push({ method, url, fields, signatureValid, headers: request.headers, body });
      const rows = Object.entries(fields)
        .map(([k, v]) => `<tr><th>${escape(k)}</th><td data-param="${escape(k)}">${escape(v)}</td></tr>`)
        .join('');
      const verdict = signatureValid === undefined ? '' : `<p id="verdict">Signature ${signatureValid ? 'valid' : 'INVALID'}</p>`;
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><title>Merchant</title><h1>Back at the merchant</h1>${verdict}<table>${rows}</table>`);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('receiver has no port');
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    origin,
    url: (path = '/back') => `${origin}${path}`,
    received,
    trust(given) {
      keys = given;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
