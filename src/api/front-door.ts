import type { FastifyInstance, FastifyRequest } from 'fastify';
import { escapeHtml, HTML } from './hosted/html-page.js';
import { applyPagePolicy, STRICTEST } from './hosted/security-headers.js';
import { assetUrl } from './static-assets.js';

export interface FrontDoorOptions {
  /** Where the API listens (HOST): the metrics listener shares it. */
  host: string;
  /** HOLDFAST_METRICS_PORT; undefined when metrics are off. */
  metricsPort: number | undefined;
}

/** The wire protocols served, where they live, and a few of their endpoints to recognise them by. */
const DIALECTS = [
  {
    name: 'Pine Labs Online',
    base: '/api',
    examples: ['POST /api/auth/v1/token', 'POST /api/pay/v1/orders', 'POST /api/checkout/v1/orders'],
  },
  { name: 'Juspay Express Checkout', base: '/', examples: ['POST /orders', 'POST /txns', 'POST /session'] },
];

/**
 * GET /: what a newcomer who opens Holdfast's address sees instead of a 404 — what this is, which
 * gateway protocols it speaks, and where the dashboard, the API documentation, health and metrics
 * are. Static HTML with the hosted pages' stylesheet and their strictest headers; no script.
 */
export async function frontDoorRoutes(app: FastifyInstance, options: FrontDoorOptions): Promise<void> {
  app.get('/', async (request, reply) => {
    applyPagePolicy(reply, STRICTEST);
    reply
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cross-origin-opener-policy', 'same-origin')
      .header('cross-origin-resource-policy', 'same-origin')
      .header('cache-control', 'no-store');
    return reply.type(HTML).send(frontDoorPage(metricsUrl(request, options)));
  });
}

/** The metrics URL on the host the listener binds; a wildcard bind is reached by the name this page was. */
function metricsUrl(request: FastifyRequest, { host, metricsPort }: FrontDoorOptions): string | undefined {
  if (metricsPort === undefined || metricsPort === 0) return undefined;
  const name = host === '0.0.0.0' || host === '::' ? request.hostname.replace(/:\d+$/, '') : host;
  return `http://${name.includes(':') && !name.startsWith('[') ? `[${name}]` : name}:${metricsPort}/metrics`;
}

const link = (href: string, text: string) => `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;

function frontDoorPage(metrics: string | undefined): string {
  const dialects = DIALECTS.map(
    (d) => `<li><strong>${escapeHtml(d.name)}</strong>, at <code>${escapeHtml(d.base)}</code>:
<span class="front-examples">${d.examples.map((e) => `<code>${escapeHtml(e)}</code>`).join(', ')}, …</span></li>`,
  ).join('\n');
  const docs = ['pinelabs', 'juspay', 'admin']
    .map((name) => `<li>${link(`/openapi/${name}.json`, `/openapi/${name}.json`)}</li>`)
    .join('\n');
  const metricsItem = metrics
    ? `<li>${link(metrics, 'Metrics')} — Prometheus, on its own port (HOLDFAST_METRICS_PORT)</li>`
    : '<li>Metrics — Prometheus, on the port HOLDFAST_METRICS_PORT names (not served on this port)</li>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Holdfast — self-hosted payment gateway</title>
<link rel="stylesheet" href="${assetUrl('checkout.css')}">
</head>
<body>
<header class="page">
<h1>Holdfast</h1>
<p class="lead">A self-hostable payment gateway: card payments authorized, captured, voided and refunded through one durable core,
every movement of money in a double-entry ledger, every change told to the merchant by webhook.</p>
</header>
<main class="page">
<section class="card" aria-labelledby="dialects-title">
<h2 id="dialects-title">Gateway APIs served</h2>
<p>Existing integrations talk to Holdfast as they would to the gateway they were written for:</p>
<ul>
${dialects}
</ul>
</section>
<section class="card" aria-labelledby="operate-title">
<h2 id="operate-title">Operate and integrate</h2>
<ul>
<li>${link('/dashboard', 'Dashboard')} — orders, manual review, merchants and keys, webhooks, audit log</li>
<li>${link('/docs', 'API documentation')} — every endpoint of both gateway APIs and of the admin API</li>
<li>OpenAPI documents:
<ul>
${docs}
</ul>
</li>
<li>${link('/healthz', 'Liveness (/healthz)')} and ${link('/readyz', 'readiness (/readyz)')}</li>
${metricsItem}
</ul>
</section>
</main>
<footer class="page"><p>Holdfast</p></footer>
</body>
</html>`;
}
