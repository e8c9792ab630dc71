import { invalidInput } from '../../domain/errors.js';
import { parseInstant } from '../iso-instant.js';

/** The checks of a payment-link body that a JSON schema cannot word well. */

/** "true" / "false" as documented, or a JSON boolean; undefined when absent. */
export function booleanText(field: string, value: unknown): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw invalidInput(field, `${field} must be "true" or "false"`);
}

/** Features a Pine Labs link may ask for that Holdfast does not offer: refused rather than silently ignored. */
export function refuseUnsupported(field: 'part_payment' | 'is_mcc_transaction', value: unknown): void {
  if (booleanText(field, value) === true) {
    throw invalidInput(field, `${field} "true" is not supported: Holdfast takes one full payment in INR`);
  }
}

/** expire_by as an instant: ISO 8601 with a zone (Pine Labs' samples use "2025-03-21T08:29Z"), on a date that exists. */
export function expireByOf(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const instant = parseInstant(value);
  if (!instant) throw invalidInput('expire_by', 'expire_by must be an ISO 8601 timestamp with a time zone, such as 2025-03-21T08:29:00Z');
  return instant;
}
