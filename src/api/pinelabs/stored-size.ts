import { invalidInput } from '../../domain/errors.js';

/**
 * Most of what Pine Labs lets a request describe is free-form (cart details, split info, products,
 * fields the reference does not list) and is kept with the order as sent. Each such part is
 * bounded as a whole, as JSON, so no request stores more than a few tens of kilobytes
 * (docs/rate-limits.md), whatever its shape.
 */
export const STORED_SIZE_LIMITS = {
  purchase_details: 32 * 1024,
  product: 16 * 1024,
  customer: 8 * 1024,
  product_details: 16 * 1024,
} as const;

type Bounded = keyof typeof STORED_SIZE_LIMITS;

/** Refuses (400, naming the field) any of `parts` larger than its limit. */
export function checkStoredSizes(parts: Partial<Record<Bounded, unknown>>): void {
  for (const [field, value] of Object.entries(parts) as [Bounded, unknown][]) {
    const limit = STORED_SIZE_LIMITS[field];
    if (value !== undefined && JSON.stringify(value).length > limit)
      throw invalidInput(field, `${field} must be at most ${limit} characters as JSON`);
  }
}
