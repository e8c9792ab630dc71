import { invalidInput, missingField, notFound } from '../../domain/errors.js';
import { parseMajorUnits } from '../../domain/money.js';
import { unstorableInput } from '../text-safety.js';

/**
 * Juspay bodies arrive form-encoded with dotted keys (`metadata.txns.auto_capture=false`) or as
 * JSON (nested or dotted). Both become one flat map of dotted keys to scalar values.
 */
export type FlatBody = Record<string, string | number | boolean | null>;

export function flattenBody(body: unknown): FlatBody {
  const flat: FlatBody = {};
  const walk = (value: unknown, prefix: string, depth: number) => {
    if (depth > 5) throw invalidInput(prefix, `${prefix} is nested too deeply`);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value as Record<string, unknown>))
        walk(inner, prefix ? `${prefix}.${key}` : key, depth + 1);
    } else if (Array.isArray(value)) {
      throw invalidInput(prefix, `${prefix} must not be a list`);
    } else if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      if (prefix) flat[prefix] = value;
    }
  };
  if (body === undefined || body === null || body === '') return flat;
  if (typeof body !== 'object' || Array.isArray(body)) throw invalidInput('body', 'request body must be form fields or a JSON object');
  const problem = unstorableInput(body);
  if (problem) throw problem;
  walk(body, '', 0);
  return flat;
}

interface StringRule {
  max?: number;
  pattern?: RegExp;
  patternText?: string;
}

/** A field the request must carry. */
export function requiredStringField(body: FlatBody, name: string, rule: StringRule = {}): string {
  const value = stringField(body, name, rule);
  if (value === undefined) throw missingField(name);
  return value;
}

export function stringField(body: FlatBody, name: string, rule: StringRule = {}): string | undefined {
  const raw = body[name];
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'boolean') throw invalidInput(name, `${name} must be a string`);
  const value = String(raw);
  if (rule.max !== undefined && value.length > rule.max) throw invalidInput(name, `${name} must be at most ${rule.max} characters`);
  if (rule.pattern && !rule.pattern.test(value)) throw invalidInput(name, `${name} ${rule.patternText ?? 'has an invalid format'}`);
  return value;
}

export function booleanField(body: FlatBody, name: string): boolean | undefined {
  const raw = body[name];
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw invalidInput(name, `${name} must be true or false`);
}

/** An amount the request must carry. */
export function requiredAmountField(body: FlatBody, name: string, currency: string): number {
  const value = amountField(body, name, currency);
  if (value === undefined) throw missingField(name);
  return value;
}

/** A rupee amount ("100", "100.50", or a JSON number) parsed exactly into paise. */
export function amountField(body: FlatBody, name: string, currency: string): number | undefined {
  const raw = body[name];
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'boolean') throw invalidInput(name, `${name} must be a decimal amount such as 100.50`);
  const text = typeof raw === 'number' ? (Number.isFinite(raw) ? String(raw) : '') : raw;
  const minor = parseMajorUnits(text, currency);
  if (minor === undefined) throw invalidInput(name, `${name} must be a decimal amount with at most 2 decimal places, such as 100.50`);
  if (minor < 1) throw invalidInput(name, `${name} must be greater than 0`);
  return minor;
}

/** Ids in paths (order_id, txn_uuid): anything that cannot name a stored object is simply unknown. */
export function pathId(value: string, what: string): string {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(value)) throw notFound(what);
  return value;
}
