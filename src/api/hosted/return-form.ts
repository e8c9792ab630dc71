import { escapeHtml, htmlPage } from './html-page.js';

/**
 * The page that posts the outcome to the merchant: a form of hidden fields that the page's own
 * script (web/checkout/main.ts) submits as soon as it loads, with a button for a browser that runs
 * no script. Every value is escaped: order ids and error messages come from the order, the URL
 * from the merchant.
 */
export function returnFormPage(url: string, fields: Readonly<Record<string, string>>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  return htmlPage(
    'Returning to the merchant',
    `<section class="card notice notice-info" aria-labelledby="notice-title">
<h1 id="notice-title">Returning you to the merchant…</h1>
<form method="post" action="${escapeHtml(url)}" data-autosubmit>
${inputs}
<button type="submit" class="button button-secondary">Continue to the merchant</button>
</form>
</section>`,
  );
}
