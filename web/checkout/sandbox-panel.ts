import { cvvLength, detectPageNetwork } from '../../src/api/hosted/card-checks.js';

/**
 * The sandbox panel: a click on a test card fills the form with its number, an expiry date a few
 * years ahead and a security code of the right length, and moves focus to the pay button, so
 * Enter pays.
 */
export function enhanceSandboxPanel(form: HTMLFormElement): void {
  const set = (name: string, value: string) => {
    const input = form.elements.namedItem(name) as HTMLInputElement | null;
    if (!input) return;
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  };
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-test-card]')) {
    button.addEventListener('click', () => {
      const number = button.dataset.testCard ?? '';
      const year = (new Date().getFullYear() + 3) % 100;
      set('card_number', number);
      set('expiry', `12/${String(year).padStart(2, '0')}`);
      set('cvv', '1234'.slice(0, cvvLength(detectPageNetwork(number))));
      const name = form.elements.namedItem('name') as HTMLInputElement | null;
      if (name && name.value.trim() === '') set('name', 'Sandbox Tester');
      for (const field of form.querySelectorAll('[aria-invalid="true"]')) field.dispatchEvent(new Event('input', { bubbles: true }));
      form.querySelector<HTMLButtonElement>('[data-pay-button]')?.focus();
    });
  }
}
