import { enhanceCardForm, lockSubmit } from './card-form.js';
import { enhanceSandboxPanel } from './sandbox-panel.js';

/**
 * The hosted pages' one script (built to /assets/checkout.js by scripts/build-assets.mjs). The
 * pages work without it; it adds the checks as the customer types, the sandbox panel's buttons,
 * one submission per form, and the automatic sending of a form marked `data-autosubmit` (a POST
 * back to the merchant) or following of a link marked `data-autofollow`, which the CSP's
 * no-inline-script rule would otherwise not allow.
 */
function start(): void {
  const checkout = document.querySelector<HTMLFormElement>('form[data-checkout-form]');
  if (checkout) {
    enhanceCardForm(checkout);
    enhanceSandboxPanel(checkout);
  }
  for (const form of document.querySelectorAll<HTMLFormElement>('form:not([data-checkout-form])')) {
    form.addEventListener('submit', () => {
      lockSubmit(form);
    });
  }
  document.querySelector<HTMLFormElement>('form[data-autosubmit]')?.requestSubmit();
  // An onward page (src/api/hosted/return-form.ts): its link is followed at once, kept out of history.
  const onward = document.querySelector<HTMLAnchorElement>('a[data-autofollow]');
  if (onward) window.location.replace(onward.href);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
