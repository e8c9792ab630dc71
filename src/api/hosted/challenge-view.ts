import { merchantHeader, orderSummary, type OrderSummary } from './checkout-view.js';
import { CSRF_FIELD } from './hosted-scope.js';
import { escapeHtml, htmlPage } from './html-page.js';
import { SANDBOX_OTP } from './sandbox-cards.js';

/** The 3-D Secure challenge page's HTML: the one-time password form, in the checkout page's look. */
export interface ChallengeForm {
  action: string;
  csrfToken: string;
  cardLast4: string | undefined;
  sandbox: boolean;
}

export function challengePage(summary: OrderSummary, form: ChallengeForm): string {
  const token = `<input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(form.csrfToken)}">`;
  const card = form.cardLast4 ? ` for the card ending in ${escapeHtml(form.cardLast4)}` : '';
  return htmlPage(
    'Verify your payment',
    `${merchantHeader(summary)}
<section class="card checkout" aria-labelledby="otp-title">
${orderSummary(summary)}
<form class="card-form" method="post" action="${escapeHtml(form.action)}" data-otp-form>
${token}
<h1 id="otp-title" class="form-title">Verify your payment</h1>
<p class="lead">Your bank sent a one-time password${card} to your phone. Enter it to finish the payment.</p>
<div class="field">
<label for="otp">One-time password</label>
<input id="otp" name="otp" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="8" spellcheck="false" aria-describedby="otp-hint otp-error" required autofocus>
<p class="hint" id="otp-hint">${form.sandbox ? `Sandbox: <strong>${SANDBOX_OTP}</strong> approves; any other password fails.` : 'Six digits, sent by text message.'}</p>
<p class="field-error" id="otp-error" aria-live="polite"></p>
</div>
<button class="button button-pay" type="submit">Verify and pay ${escapeHtml(summary.amount)}</button>
</form>
<form class="cancel-form" method="post" action="${escapeHtml(form.action)}">
${token}
<input type="hidden" name="intent" value="cancel">
<button class="button button-quiet" type="submit">Cancel and return to ${escapeHtml(summary.merchantName)}</button>
</form>
</section>`,
  );
}
