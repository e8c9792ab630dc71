/**
 * The checkout form's card checks, shared by the server (which re-checks every submission) and
 * the page's script (web/checkout/, which says what is wrong before anything is sent). Pure: no
 * DOM, no Node. The core's own checks (core/operations/card-input.ts) still run behind these.
 */
import { normalizeCardNumber, passesLuhn } from '../../domain/card.js';

/** The networks the page names as the number is typed. */
export type PageNetwork = 'visa' | 'mastercard' | 'rupay' | 'amex' | 'diners' | 'discover' | 'jcb' | 'maestro';

export const NETWORK_LABELS: Readonly<Record<PageNetwork, string>> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  rupay: 'RuPay',
  amex: 'American Express',
  diners: 'Diners Club',
  discover: 'Discover',
  jcb: 'JCB',
  maestro: 'Maestro',
};

/**
 * Prefix ranges, most specific first: the first row whose range holds the number's leading
 * digits names it. Where ranges overlap, the gateway's choice wins (docs/test-cards.md: RuPay's
 * 60/65/81/82/508 ranges before Discover and Maestro), except for Discover's own 6011 and
 * 644–649, which are not RuPay's.
 */
const PREFIXES: readonly (readonly [PageNetwork, number, number])[] = [
  ['discover', 6011, 6011],
  ['discover', 644, 649],
  ['discover', 622126, 622925],
  ['jcb', 3528, 3589],
  ['rupay', 60, 60],
  ['rupay', 65, 65],
  ['rupay', 81, 82],
  ['rupay', 508, 508],
  ['visa', 4, 4],
  ['mastercard', 51, 55],
  ['mastercard', 2221, 2720],
  ['amex', 34, 34],
  ['amex', 37, 37],
  ['diners', 300, 305],
  ['diners', 36, 36],
  ['diners', 38, 39],
  ['maestro', 50, 50],
  ['maestro', 56, 69],
];

/** The network a (possibly partial) number belongs to, once enough digits are typed to tell. */
export function detectPageNetwork(input: string): PageNetwork | undefined {
  const digits = input.replace(/\D/g, '');
  for (const [network, low, high] of PREFIXES) {
    const width = String(low).length;
    if (digits.length < width) continue;
    const lead = Number(digits.slice(0, width));
    if (lead >= low && lead <= high) return network;
  }
  return undefined;
}

/** CVV digits a network's cards carry: four on the front of an Amex, three on the back of the others. */
export const cvvLength = (network: PageNetwork | undefined): number => (network === 'amex' ? 4 : 3);

/** The form's fields, as the browser posts them. */
export interface CardForm {
  card_number: string;
  expiry: string;
  cvv: string;
  name: string;
}

export type CardField = keyof CardForm;

export type CardFormProblems = Partial<Record<CardField, string>>;

/** MM/YY (also MM/YYYY, MMYY, with spaces) → month and four-digit year; undefined when unreadable. */
export function parseExpiry(text: string): { month: string; year: string } | undefined {
  const match = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(text);
  if (!match?.[1] || !match[2]) return undefined;
  const month = match[1].padStart(2, '0');
  if (Number(month) < 1 || Number(month) > 12) return undefined;
  return { month, year: match[2].length === 2 ? `20${match[2]}` : match[2] };
}

/** What is wrong with each field, in words for the cardholder; empty when the form may be sent. */
export function cardFormProblems(form: CardForm, now: Date): CardFormProblems {
  const problems: CardFormProblems = {};
  const number = normalizeCardNumber(form.card_number);
  const network = detectPageNetwork(form.card_number);
  if (form.card_number.trim() === '') problems.card_number = 'Enter the card number.';
  else if (!number) problems.card_number = 'A card number has 12 to 19 digits.';
  else if (!passesLuhn(number)) problems.card_number = 'This card number is not valid. Check it for typing mistakes.';

  const expiry = parseExpiry(form.expiry);
  if (form.expiry.trim() === '') problems.expiry = 'Enter the expiry date.';
  else if (!expiry) problems.expiry = 'Enter the expiry date as MM/YY.';
  // A card is valid through the last day of its expiry month (UTC, as the core checks it).
  else if (Date.UTC(Number(expiry.year), Number(expiry.month), 1) <= now.getTime()) problems.expiry = 'This card has expired.';

  const wanted = cvvLength(network);
  if (form.cvv.trim() === '') problems.cvv = 'Enter the security code.';
  else if (!new RegExp(`^\\d{${wanted}}$`).test(form.cvv.trim()))
    problems.cvv = `The security code is ${wanted} digits${network === 'amex' ? ', on the front of the card' : ', on the back of the card'}.`;

  if (form.name.trim() === '') problems.name = 'Enter the name as it appears on the card.';
  else if (form.name.length > 100) problems.name = 'The name on the card is at most 100 characters.';
  return problems;
}

/** Groups the digits as printed on the card: 4-6-5 for Amex, fours for the others. */
export function formatCardNumber(input: string): string {
  const digits = input.replace(/\D/g, '').slice(0, 19);
  const groups = detectPageNetwork(digits) === 'amex' ? [4, 6, 5] : [4, 4, 4, 4, 3];
  const parts: string[] = [];
  let at = 0;
  for (const size of groups) {
    if (at >= digits.length) break;
    parts.push(digits.slice(at, at + size));
    at += size;
  }
  return parts.join(' ');
}
