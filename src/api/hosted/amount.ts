import { toMajorUnitsNumber } from '../../domain/money.js';

/** An amount as a customer reads it: "₹1,234.50" for INR (Indian digit grouping), code and number otherwise. */
export function formatAmount(amount: number, currency: string): string {
  const major = toMajorUnitsNumber(amount, currency);
  try {
    return new Intl.NumberFormat('en-IN', { style: 'currency', currency, minimumFractionDigits: 2 }).format(major);
  } catch {
    return `${currency} ${major.toFixed(2)}`;
  }
}
