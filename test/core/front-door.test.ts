import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { onPostgres } from '../helpers/test-database.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const DB = onPostgres ? 'PostgreSQL' : 'PGlite';

describe(`GET /: the front door (${DB})`, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ HOLDFAST_METRICS_PORT: '9470' });
  });
  after(() => server.close());

  it('answers a small HTML page: what Holdfast is, the dialects and their base paths, links to everything an operator needs', async () => {
    const response = await fetch(`${server.baseUrl}/`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    const html = await response.text();
    assert.match(html, /^<!doctype html>\n<html lang="en">/);
    assert.match(html, /<title>Holdfast[^<]*<\/title>/);
    assert.match(html, /<h1>Holdfast<\/h1>/);
    assert.match(html, /self-hostable payment gateway/);
    assert.match(html, /Pine Labs Online<\/strong>, at <code>\/api<\/code>/);
    assert.match(html, /Juspay Express Checkout<\/strong>, at <code>\/<\/code>/);
    const links = [...html.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(links, [
      '/dashboard',
      '/docs',
      '/openapi/pinelabs.json',
      '/openapi/juspay.json',
      '/openapi/admin.json',
      '/healthz',
      '/readyz',
      'http://127.0.0.1:9470/metrics',
    ]);
  });

  it('is accessible and self-contained: landmarks, one h1 then h2s, no script, nothing loaded from elsewhere', async () => {
    const html = await (await fetch(`${server.baseUrl}/`)).text();
    for (const landmark of ['<header', '<main', '<footer']) assert.ok(html.includes(landmark), landmark);
    assert.equal(html.match(/<h1[ >]/g)?.length, 1);
    assert.equal(html.match(/<h2 id="[a-z-]+">/g)?.length, 2);
    for (const [, id] of html.matchAll(/aria-labelledby="([^"]+)"/g)) assert.ok(html.includes(`id="${id}"`), `labelled by ${id}`);
    assert.doesNotMatch(html, /<script|style=|<img/i);
    const loaded = [...html.matchAll(/<link[^>]+href="([^"]+)"/g)].map((m) => m[1] ?? '');
    assert.equal(loaded.length, 1);
    assert.match(loaded[0] ?? '', /^\/assets\/checkout\.css/);
    const stylesheet = await fetch(`${server.baseUrl}${loaded[0]}`);
    assert.equal(stylesheet.status, 200, 'its stylesheet is served by Holdfast');
  });

  it('carries the hosted pages’ strict headers', async () => {
    const response = await fetch(`${server.baseUrl}/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(response.headers.get('cache-control'), 'no-store');
  });

  it('says where metrics would be when they are off, and links nothing there', async () => {
    const off = await startTestServer({ HOLDFAST_METRICS_PORT: 'off' });
    try {
      const html = await (await fetch(`${off.baseUrl}/`)).text();
      assert.match(html, /Metrics — Prometheus, on the port HOLDFAST_METRICS_PORT names/);
      assert.doesNotMatch(html, /\/metrics"/);
    } finally {
      await off.close();
    }
  });
});
