/**
 * The dashboard's files as the server sends them (no browser): index.html for /dashboard and for
 * every app route below it, with a strict Content-Security-Policy and the other security headers;
 * hashed assets cached for good; nothing outside dist/dashboard reachable; nothing in the page
 * loaded from another origin; before the build, a 503 that says what to run. The build (npm test's pretest, or npm run build) made dist/dashboard.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { dashboardRoutes } from '../../src/api/dashboard-routes.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const DIST = new URL('../../dist/dashboard/', import.meta.url);

/** A GET with the path sent exactly as written (fetch would normalise `..` away). */
function rawGet(baseUrl: string, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function assertSecurityHeaders(headers: Headers, what: string) {
  const csp = headers.get('content-security-policy') ?? '';
  for (const directive of [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "frame-ancestors 'none'",
  ]) {
    assert.ok(csp.split('; ').includes(directive), `${what}: CSP has ${directive} (${csp})`);
  }
  assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), `${what}: nothing unsafe in the CSP`);
  assert.equal(headers.get('x-frame-options'), 'DENY', what);
  assert.equal(headers.get('x-content-type-options'), 'nosniff', what);
  assert.equal(headers.get('referrer-policy'), 'no-referrer', what);
  assert.equal(headers.get('cross-origin-opener-policy'), 'same-origin', what);
  assert.equal(headers.get('cross-origin-resource-policy'), 'same-origin', what);
}

describe('the dashboard served at /dashboard', () => {
  let server: TestServer;
  before(async () => {
    assert.ok(existsSync(new URL('index.html', DIST)), 'dist/dashboard is built (npm run build)');
    server = await startTestServer();
  });
  after(() => server.close());

  it('answers index.html at /dashboard and /dashboard/, never cached without asking again', async () => {
    for (const path of ['/dashboard', '/dashboard/']) {
      const response = await fetch(`${server.baseUrl}${path}`);
      const body = await response.text();
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assert.equal(response.headers.get('cache-control'), 'no-cache', path);
      assert.match(body, /<div id="root"><\/div>/);
      assertSecurityHeaders(response.headers, path);
    }
  });

  it('answers the app page for its routes (SPA fallback), e.g. /dashboard/orders/x', async () => {
    const index = readFileSync(new URL('index.html', DIST), 'utf8');
    for (const path of ['/dashboard/orders/x', '/dashboard/orders', '/dashboard/merchants/m_1?tab=keys', '/dashboard/audit']) {
      const response = await fetch(`${server.baseUrl}${path}`);
      assert.equal(response.status, 200, path);
      assert.equal(await response.text(), index, path);
      assert.equal(response.headers.get('cache-control'), 'no-cache', path);
      assertSecurityHeaders(response.headers, path);
    }
  });

  it('serves the hashed assets with immutable caching and their own type; a missing asset is a 404', async () => {
    const assets = readdirSync(new URL('assets/', DIST));
    const script = assets.find((name) => name.endsWith('.js'));
    const style = assets.find((name) => name.endsWith('.css'));
    assert.ok(script && style, 'the build wrote a script and a stylesheet');
    const js = await fetch(`${server.baseUrl}/dashboard/assets/${script}`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(await js.text(), readFileSync(new URL(`assets/${script}`, DIST), 'utf8'));
    assertSecurityHeaders(js.headers, 'script');
    const css = await fetch(`${server.baseUrl}/dashboard/assets/${style}`);
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /text\/css/);
    assert.equal(css.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    await css.body?.cancel();

    const missing = await fetch(`${server.baseUrl}/dashboard/assets/index-00000000.js`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'not_found', message: 'No such dashboard file' });
  });

  it('refuses path traversal: nothing outside dist/dashboard is ever sent', async () => {
    const secretish = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    for (const path of [
      '/dashboard/../package.json',
      '/dashboard/%2e%2e/%2e%2e/package.json',
      '/dashboard/assets/..%2f..%2f..%2fpackage.json',
      '/dashboard/..%5c..%5cpackage.json',
      '/dashboard/assets/%2e%2e/%2e%2e/%2e%2e/src/config.ts',
      '/dashboard/%00index.html',
    ]) {
      const response = await rawGet(server.baseUrl, path);
      assert.ok(!response.body.includes('"name": "holdfast"'), `${path} does not leak package.json`);
      assert.notEqual(response.body, secretish, path);
      assert.ok(response.status === 404 || response.status === 400, `${path} is refused (got ${response.status})`);
    }
  });

  it('loads nothing from another origin: index.html names only /dashboard/ files', async () => {
    const body = await (await fetch(`${server.baseUrl}/dashboard`)).text();
    assert.doesNotMatch(body, /https?:\/\//i, 'no absolute http(s) URL in index.html');
    assert.doesNotMatch(body, /<script(?![^>]*\bsrc=)[^>]*>/i, 'no inline script');
    assert.doesNotMatch(body, /<style/i, 'no inline style');
    const references = [...body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(references.length >= 2, 'the page names its script and stylesheet');
    for (const reference of references)
      assert.ok(reference.startsWith('/dashboard/') || reference === 'data:,', `${reference} is the dashboard's own`);
  });
});

describe('the dashboard before it is built', () => {
  it('answers 503 with what to run, on /dashboard and below it', async () => {
    const app = Fastify({ logger: false });
    await app.register(dashboardRoutes, { dir: join(tmpdir(), `holdfast-no-dashboard-${process.pid}`) });
    try {
      for (const url of ['/dashboard', '/dashboard/orders/x']) {
        const response = await app.inject({ method: 'GET', url });
        assert.equal(response.statusCode, 503, url);
        const body = response.json();
        assert.equal(body.error, 'unavailable');
        assert.match(body.message, /npm run build/);
        assert.ok((response.headers['content-security-policy'] as string).includes("frame-ancestors 'none'"));
      }
    } finally {
      await app.close();
    }
  });
});
