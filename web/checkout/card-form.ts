import {
  cardFormProblems,
  cvvLength,
  detectPageNetwork,
  formatCardNumber,
  NETWORK_LABELS,
  type CardField,
  type CardForm,
} from '../../src/api/hosted/card-checks.js';

/**
 * The card form's behaviour in the browser: the number grouped and its network named as it is
 * typed, MM/YY typed without the slash, each field's problem shown beside it once the customer
 * leaves it, and a submit with problems stopped before anything is sent. The checks are the
 * server's own (card-checks.ts), which runs them again on every submission.
 */
const FIELDS: readonly CardField[] = ['card_number', 'expiry', 'cvv', 'name'];

export function enhanceCardForm(form: HTMLFormElement): void {
  // The script checks instead of the browser: its messages are the ones beside each field.
  form.noValidate = true;
  const input = (name: CardField) => form.elements.namedItem(name) as HTMLInputElement;
  const values = (): CardForm => ({
    card_number: input('card_number').value,
    expiry: input('expiry').value,
    cvv: input('cvv').value,
    name: input('name').value,
  });
  const touched = new Set<CardField>();

  const show = (name: CardField, problem: string | undefined) => {
    const field = input(name);
    field.closest('.field')?.classList.toggle('has-error', problem !== undefined);
    if (problem) field.setAttribute('aria-invalid', 'true');
    else field.removeAttribute('aria-invalid');
    const message = document.getElementById(`${name}-error`);
    if (message && message.textContent !== (problem ?? '')) message.textContent = problem ?? '';
  };
  const check = (only: readonly CardField[]) => {
    const problems = cardFormProblems(values(), new Date());
    for (const name of only) show(name, problems[name]);
    return problems;
  };

  const number = input('card_number');
  number.addEventListener('input', () => {
    const atEnd = number.selectionStart === number.value.length;
    const formatted = formatCardNumber(number.value);
    if (formatted !== number.value) {
      number.value = formatted;
      if (atEnd) number.setSelectionRange(formatted.length, formatted.length);
    }
    showNetwork(form, number.value);
    input('cvv').maxLength = cvvLength(detectPageNetwork(number.value));
  });

  const expiry = input('expiry');
  expiry.addEventListener('input', (event) => {
    const deleting = event instanceof InputEvent && event.inputType.startsWith('delete');
    const digits = expiry.value.replace(/\D/g, '').slice(0, 4);
    if (!deleting) expiry.value = digits.length >= 2 ? `${digits.slice(0, 2)}/${digits.slice(2)}` : digits;
  });

  for (const name of FIELDS) {
    const field = input(name);
    field.addEventListener('blur', () => {
      if (field.value.trim() !== '') touched.add(name);
      if (touched.has(name)) check([name]);
    });
    // A shown problem goes away as soon as it is fixed; a new one waits for the field to be left.
    field.addEventListener('input', () => {
      if (field.getAttribute('aria-invalid') === 'true') check([name]);
    });
  }

  form.addEventListener('submit', (event) => {
    const problems = check(FIELDS);
    const first = FIELDS.find((name) => problems[name] !== undefined);
    if (first) {
      event.preventDefault();
      FIELDS.forEach((name) => touched.add(name));
      input(first).focus();
      return;
    }
    lockSubmit(form);
  });

  showNetwork(form, number.value);
}

function showNetwork(form: HTMLFormElement, number: string): void {
  const network = detectPageNetwork(number);
  for (const badge of form.querySelectorAll<HTMLElement>('[data-network]')) {
    badge.classList.toggle('is-active', badge.dataset.network === network);
    badge.classList.toggle('is-dim', network !== undefined && badge.dataset.network !== network);
  }
  const label = form.querySelector('[data-network-label]');
  if (label)
    label.textContent = network ? `${NETWORK_LABELS[network]} card` : 'We accept Visa, Mastercard, RuPay, American Express and more.';
  const cvvHint = form.querySelector('[data-cvv-hint]');
  if (cvvHint) cvvHint.textContent = network === 'amex' ? '4 digits on the front' : '3 digits on the back';
}

/** One submission per page: a second click while the first is on its way sends nothing. */
export function lockSubmit(form: HTMLFormElement): void {
  if (form.dataset.submitting === 'true') return;
  form.dataset.submitting = 'true';
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  if (button) {
    button.setAttribute('aria-disabled', 'true');
    button.classList.add('is-busy');
    button.textContent = 'Processing…';
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
  });
}
