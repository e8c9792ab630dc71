import { assetUrl } from '../static-assets.js';

/**
 * The shell of every hosted page (payment page, 3-D Secure challenge, notices): one stylesheet and
 * one script, both Holdfast's own (/assets/), nothing inline — the pages' CSP allows no other.
 */
export const HTML = 'text/html; charset=utf-8';

/** Every value that did not come from this file goes through here before it reaches a page. */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${assetUrl('checkout.css')}">
<script src="${assetUrl('checkout.js')}" defer></script>
</head>
<body>
<main class="page">
${body}
</main>
<footer class="powered">Secured by Holdfast</footer>
</body>
</html>`;
}

/** Which way a notice leans: the mark beside its heading. */
export type NoticeTone = 'success' | 'info' | 'warning' | 'error';

export interface Notice {
  title: string;
  message: string;
  tone?: NoticeTone;
}

/** A page that says one thing, with optional already-escaped HTML below it (a button, details). */
export function noticePage(notice: Notice, extra = ''): string {
  return htmlPage(notice.title, noticeCard(notice, extra));
}

export function noticeCard({ title, message, tone = 'info' }: Notice, extra = ''): string {
  return `<section class="card notice notice-${tone}" aria-labelledby="notice-title">
<div class="notice-mark" aria-hidden="true"></div>
<h1 id="notice-title">${escapeHtml(title)}</h1>
<p class="notice-message">${escapeHtml(message)}</p>
${extra}
</section>`;
}

/** A notice with only a message (the outcome page of outcome.ts). */
export const messagePage = (message: string) => noticePage({ title: 'Payment status', message });
