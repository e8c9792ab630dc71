import { escapeHtml, htmlPage } from './html-page.js';

/** The script that submits a return form by itself; served from Holdfast, as the pages allow no inline script. */
export const AUTO_SUBMIT_SCRIPT = '/assets/auto-submit.js';

/**
 * The page that posts the outcome to the merchant: a form of hidden fields that submits itself,
 * with a button for a browser that runs no script. Every value is escaped: order ids and error
 * messages come from the order, the URL from the merchant.
 */
export function returnFormPage(url: string, fields: Readonly<Record<string, string>>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  return htmlPage(
    'Returning to the merchant',
    `<form method="post" action="${escapeHtml(url)}" data-auto-submit>
${inputs}
<p>Returning you to the merchant…</p>
<button type="submit">Continue</button></form>
<script src="${AUTO_SUBMIT_SCRIPT}"></script>`,
  );
}

/** The one origin the return form may post to, for the page's Content-Security-Policy `form-action`. */
export function returnFormPolicy(url: string): string {
  return `default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; form-action ${new URL(url).origin}; frame-ancestors 'none'; base-uri 'none'`;
}
