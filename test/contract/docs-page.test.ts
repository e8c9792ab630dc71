/**
 * /docs: Scalar's reference over the three documents, served with its own bundle — no CDN, no
 * web fonts, nothing from another origin — under a CSP whose scripts need the page's nonce. The
 * browser check loads it in Chromium: it renders the documents' operations, asks for nothing
 * outside the server, and breaks no rule of its policy.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** Every URL-ish value of the page: src, href, url( ), and JSON "url" fields. */
function referencedUrls(html: string): string[] {
  const found = [
    ...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']*)["']/gi),
    ...html.matchAll(/url\(\s*["']?([^"')]+)/gi),
    ...html.matchAll(/"url"\s*:\s*"([^"]*)"/g),
  ];
  return found.map((m) => m[1] ?? '');
}

describe('/docs', () => {
  let server: TestServer;
  let browser: TestBrowser;
  before(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  after(async () => {
    await browser.close();
    await server.close();
  });

  it('answers 200 HTML that references only its own origin, under a nonce CSP', async () => {
    const redirect = await fetch(`${server.baseUrl}/docs`, { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    const response = await fetch(`${server.baseUrl}/docs/`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    const html = await response.text();
    assert.doesNotMatch(html, /https?:\/\//i, 'no absolute URL at all: nothing from a CDN or another origin');
    assert.doesNotMatch(html, /\/\/[a-z0-9.-]+\.[a-z]{2,}/i, 'no protocol-relative URL');
    const urls = referencedUrls(html);
    assert.ok(urls.includes('js/scalar.js'), 'the bundle is served from here');
    for (const name of ['pinelabs', 'juspay', 'admin']) assert.ok(urls.includes(`/openapi/${name}.json`), `${name} is a source`);
    assert.match(html, /"withDefaultFonts": false/);

    const csp = response.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce, csp);
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1] ?? '');
    assert.ok(scripts.length >= 2);
    for (const attributes of scripts) assert.ok(attributes.includes(`nonce="${nonce}"`), `every script carries the nonce: ${attributes}`);
    const directives = Object.fromEntries(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );
    assert.deepEqual(directives['default-src'], ["'none'"]);
    assert.deepEqual(directives['script-src'], ["'self'", `'nonce-${nonce}'`], 'no unsafe-inline or unsafe-eval for scripts');
    assert.deepEqual(directives['connect-src'], ["'self'"]);
    assert.deepEqual(directives['frame-ancestors'], ["'none'"]);
    assert.ok(!/https?:/.test(csp), 'the policy names no other origin');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');

    const again = await fetch(`${server.baseUrl}/docs/`);
    assert.notEqual(/'nonce-([^']+)'/.exec(again.headers.get('content-security-policy') ?? '')?.[1], nonce, 'a fresh nonce per page');
    await again.text();

    const bundle = await fetch(`${server.baseUrl}/docs/js/scalar.js`);
    assert.equal(bundle.status, 200);
    assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
    assert.ok((await bundle.arrayBuffer()).byteLength > 100_000, 'the bundled viewer');
  });

  it('renders the documents in a browser without a request to another origin or a CSP violation', async () => {
    const page = await browser.newPage();
    const origin = new URL(server.baseUrl).origin;
    const foreign: string[] = [];
    const violations: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol !== 'data:' && url.protocol !== 'blob:' && url.origin !== origin) foreign.push(request.url());
    });
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    // The machine may be slow to parse a 4 MB bundle: the waits are generous, nothing is timed.
    await page.goto(`${server.baseUrl}/docs/`, { waitUntil: 'domcontentloaded', timeout: 300_000 });
    await page.getByText('Get an access token').first().waitFor({ timeout: 300_000 });
    const text = await page.locator('body').innerText();
    for (const expected of ['Holdfast — Pine Labs Online dialect', 'Payment links', 'Native OTP', 'bearerToken'])
      assert.ok(text.includes(expected), `the page shows ${expected}`);
    assert.ok(!text.includes('Ask AI'), 'no chat with an outside service');
    await browser.screenshot(page, 'docs-pinelabs');
    assert.deepEqual(foreign, [], 'nothing is fetched from another origin');
    assert.deepEqual(violations, [], 'the page keeps to its policy');
  });
});
