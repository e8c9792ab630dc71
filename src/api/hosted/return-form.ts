import { escapeHtml, htmlPage } from './html-page.js';

/** What an onward page says while it sends the browser on, and on its button for a browser without scripts. */
export interface OnwardText {
  title: string;
  heading: string;
  button: string;
}

export const TO_THE_MERCHANT: OnwardText = {
  title: 'Returning to the merchant',
  heading: 'Returning you to the merchant…',
  button: 'Continue to the merchant',
};

export const TO_THE_CHALLENGE: OnwardText = {
  title: 'Verify your payment',
  heading: 'Taking you to verify your payment…',
  button: 'Continue to verification',
};

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

/**
 * A GET of `url` that starts from a page of Holdfast's own rather than from a redirect: a link the
 * page's script (web/checkout/main.ts) follows as soon as it loads, or the customer clicks. Used
 * where the browser arrived by a form sent from a page whose Content-Security-Policy Holdfast does
 * not set (an upstream gateway's), or from a form whose policy cannot name where it now goes:
 * Chrome checks the redirects that follow a form against that form's page's form-action, so a
 * redirect would be blocked there. A followed link is no form, and the URL is kept to the byte.
 */
export function onwardLinkPage(url: string, text: OnwardText): string {
  return htmlPage(
    text.title,
    `<section class="card notice notice-info" aria-labelledby="notice-title">
<h1 id="notice-title">${escapeHtml(text.heading)}</h1>
<p><a class="button button-secondary" href="${escapeHtml(url)}" data-autofollow>${escapeHtml(text.button)}</a></p>
</section>`,
  );
}
