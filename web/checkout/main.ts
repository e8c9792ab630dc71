import { enhanceCardForm, lockSubmit } from './card-form.js';
import { enhanceSandboxPanel } from './sandbox-panel.js';

/**
 * The hosted pages' one script (built to /assets/checkout.js by scripts/build-assets.mjs). The
 * pages work without it; it adds the checks as the customer types, the sandbox panel's buttons,
 * one submission per form, and the automatic sending of a form marked `data-autosubmit` (a POST
 * back to the merchant), which the CSP's no-inline-script rule would otherwise not allow.
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
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
