#!/usr/bin/env node
// A merchant's return endpoint for trying the hosted pages by hand: it listens on
// http://127.0.0.1:9000, takes the browser's return from Holdfast — Pine Labs' form POST or
// Juspay's GET — checks the signature exactly as docs/hosted-redirects.md describes, and shows
// what arrived. Keys come from .holdfast/sandbox.json (what `npm start` wrote for the sandbox
// merchant) or from the file named as the first argument.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const keys = JSON.parse(readFileSync(process.argv[2] ?? '.holdfast/sandbox.json', 'utf8'));
const PORT = Number(process.env.PORT ?? 9000);

const same = (a, b) => typeof b === 'string' && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const encode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

/** Pine Labs: sorted key=value pairs but signature, HMAC-SHA256 with the hex-decoded secret, uppercase hex. */
function pineLabsValid(fields) {
  const text = Object.keys(fields)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&');
  const expected = createHmac('sha256', Buffer.from(keys.pinelabs_redirect_secret, 'hex')).update(text).digest('hex').toUpperCase();
  return same(expected, fields.signature);
}

/** Juspay: every query parameter but signature(_algorithm), encoded, sorted, joined, encoded again; HMAC-SHA256, Base64. */
function juspayValid(params) {
  const pairs = [...params]
    .filter(([k]) => k !== 'signature' && k !== 'signature_algorithm')
    .map(([k, v]) => [encode(k), encode(v)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const text = encode(pairs.map(([k, v]) => `${k}=${v}`).join('&'));
  return same(createHmac('sha256', keys.juspay_response_key).update(text).digest('base64'), params.get('signature'));
}

createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${PORT}`);
    const isPost = request.method === 'POST';
    const fields = isPost ? Object.fromEntries(new URLSearchParams(body)) : Object.fromEntries(url.searchParams);
    const verified = isPost ? pineLabsValid(fields) : juspayValid(url.searchParams);
    const report = { dialect: isPost ? 'Pine Labs (form POST)' : 'Juspay (GET)', verified, fields };
    console.log(JSON.stringify(report));
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(report, null, 2));
  });
}).listen(PORT, '127.0.0.1', () => console.log(`Merchant receiver on http://127.0.0.1:${PORT}/ (return URLs may use any path)`));
