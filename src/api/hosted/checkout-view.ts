import type { CardField, CardFormProblems } from './card-checks.js';
import { formatCardNumber, NETWORK_LABELS } from './card-checks.js';
import { CSRF_FIELD } from './hosted-scope.js';
import { escapeHtml, htmlPage, noticeCard, type Notice } from './html-page.js';
import { SANDBOX_CARDS, SANDBOX_OTP } from './sandbox-cards.js';

/**
 * The checkout page's HTML. Every value passed in is escaped here; the page works without its
 * script (the server checks everything again), which only adds checks as the customer types, the
 * network badge and the sandbox panel's buttons (web/checkout/).
 */
export interface OrderSummary {
  merchantName: string;
  /** Already formatted for reading (formatAmount). */
  amount: string;
  currency: string;
  reference: string;
  /** What the merchant says the order is for, when it said. */
  description?: string | undefined;
}

export interface CheckoutForm {
  /** Where the pay and cancel forms are sent (the page's own path). */
  action: string;
  csrfToken: string;
  /** The attempt this page makes: sending the same page twice is one payment, not two. */
  attempt: string;
  /** What the customer typed, echoed back after a refusal — never the card number or CVV. */
  values: { expiry: string; name: string };
  problems: CardFormProblems;
  /** Above the form: why the customer is looking at it again. */
  notice: Notice | undefined;
  sandbox: boolean;
}

export function checkoutPage(summary: OrderSummary, form: CheckoutForm): string {
  return htmlPage(
    `Pay ${summary.merchantName}`,
    `${merchantHeader(summary)}
<section class="card checkout" aria-labelledby="pay-title">
${orderSummary(summary)}
${form.notice ? `<div class="alert alert-${form.notice.tone ?? 'error'}" role="alert"><strong>${escapeHtml(form.notice.title)}</strong> ${escapeHtml(form.notice.message)}</div>` : ''}
${cardForm(summary, form)}
${cancelForm(summary, form)}
</section>
${form.sandbox ? sandboxPanel() : ''}`,
  );
}

/** A page for an order that takes no payment: its state, and a way back to the merchant. */
export function closedOrderPage(summary: OrderSummary, notice: Notice, back: { action: string; csrfToken: string } | undefined): string {
  const extra = `${orderSummary(summary)}${back ? returnForm(summary, back) : ''}`;
  return htmlPage(notice.title, `${merchantHeader(summary)}${noticeCard(notice, extra)}`);
}

export function merchantHeader(summary: OrderSummary): string {
  const initial = new Intl.Segmenter().segment(summary.merchantName.trim())[Symbol.iterator]().next().value?.segment.toUpperCase() ?? '?';
  return `<header class="merchant">
<span class="merchant-mark" aria-hidden="true">${escapeHtml(initial)}</span>
<span class="merchant-text"><span class="merchant-name">${escapeHtml(summary.merchantName)}</span><span class="merchant-secure">Secure checkout</span></span>
</header>`;
}

export function orderSummary(summary: OrderSummary): string {
  return `<dl class="summary">
<div class="summary-amount"><dt>Amount</dt><dd><span class="amount">${escapeHtml(summary.amount)}</span> <span class="currency">${escapeHtml(summary.currency)}</span></dd></div>
<div class="summary-reference"><dt>Order reference</dt><dd class="reference">${escapeHtml(summary.reference)}</dd></div>
${summary.description ? `<div class="summary-description"><dt>For</dt><dd class="description">${escapeHtml(summary.description)}</dd></div>` : ''}
</dl>`;
}

function field(name: CardField, problems: CardFormProblems, label: string, inputAttributes: string, hint = ''): string {
  const problem = problems[name];
  const describedBy = [hint ? `${name}-hint` : '', `${name}-error`].filter(Boolean).join(' ');
  const attributes = `id="${name}" name="${name}" aria-describedby="${describedBy}"${problem ? ' aria-invalid="true"' : ''}`;
  return `<div class="field field-${name}${problem ? ' has-error' : ''}">
<label for="${name}">${label}</label>
<input ${attributes} ${inputAttributes}>
${hint ? `<p class="hint" id="${name}-hint">${hint}</p>` : ''}
<p class="field-error" id="${name}-error" aria-live="polite">${problem ? escapeHtml(problem) : ''}</p>
</div>`;
}

function hidden(form: Pick<CheckoutForm, 'csrfToken'>): string {
  return `<input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(form.csrfToken)}">`;
}

function cardForm(summary: OrderSummary, form: CheckoutForm): string {
  const { problems, values } = form;
  const networks = Object.entries(NETWORK_LABELS)
    .map(([key, label]) => `<span class="network network-${key}" data-network="${key}">${escapeHtml(label)}</span>`)
    .join('');
  return `<form class="card-form" method="post" action="${escapeHtml(form.action)}" data-checkout-form>
${hidden(form)}
<input type="hidden" name="attempt" value="${escapeHtml(form.attempt)}">
<h1 id="pay-title" class="form-title">Pay by card</h1>
<div class="networks" aria-hidden="true">${networks}</div>
${field(
  'card_number',
  problems,
  'Card number',
  `class="input-card-number" type="text" inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234" maxlength="23" spellcheck="false" required`,
  '<span data-network-label>We accept Visa, Mastercard, RuPay, American Express and more.</span>',
)}
<div class="field-row">
${field(
  'expiry',
  problems,
  'Expiry date',
  `type="text" inputmode="numeric" autocomplete="cc-exp" placeholder="MM/YY" maxlength="7" value="${escapeHtml(values.expiry)}" required`,
  'MM/YY',
)}
${field(
  'cvv',
  problems,
  'Security code',
  `type="text" inputmode="numeric" autocomplete="cc-csc" placeholder="CVV" maxlength="4" required`,
  '<span data-cvv-hint>3 digits on the back</span>',
)}
</div>
${field('name', problems, 'Name on card', `type="text" autocomplete="cc-name" maxlength="100" value="${escapeHtml(values.name)}" required`)}
<button class="button button-pay" type="submit" data-pay-button>Pay ${escapeHtml(summary.amount)}</button>
</form>`;
}

function cancelForm(summary: OrderSummary, form: CheckoutForm): string {
  return `<form class="cancel-form" method="post" action="${escapeHtml(form.action)}">
${hidden(form)}
<input type="hidden" name="intent" value="cancel">
<button class="button button-quiet" type="submit">Cancel and return to ${escapeHtml(summary.merchantName)}</button>
</form>`;
}

function returnForm(summary: OrderSummary, back: { action: string; csrfToken: string }): string {
  return `<form class="cancel-form" method="post" action="${escapeHtml(back.action)}">
${hidden(back)}
<input type="hidden" name="intent" value="cancel">
<button class="button button-secondary" type="submit">Return to ${escapeHtml(summary.merchantName)}</button>
</form>`;
}

function sandboxPanel(): string {
  const rows = SANDBOX_CARDS.map(
    (card) => `<li><button class="test-card${card.approves ? '' : ' test-card-declines'}" type="button" data-test-card="${card.number}">
<span class="test-card-number">${formatCardNumber(card.number)}</span>
<span class="test-card-outcome">${escapeHtml(card.outcome)}</span>
</button></li>`,
  ).join('\n');
  return `<aside class="card sandbox" aria-labelledby="sandbox-title">
<h2 id="sandbox-title"><span class="sandbox-badge">Sandbox</span> Test cards</h2>
<p class="sandbox-note">No real money moves. Choose a card to fill the form with it, a future expiry date and a security code. The 3-D Secure password is <strong>${SANDBOX_OTP}</strong>.</p>
<ul class="test-cards">
${rows}
</ul>
</aside>`;
}
