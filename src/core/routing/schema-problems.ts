/**
 * TypeBox's validation errors as one line per bad field, in the path a person reads
 * (`rules[2].match.amount.min: must be an integer ≥ 0`), saying what the field must be rather
 * than which check failed (docs/routing.md "Validation").
 */
import type { TSchema } from '@sinclair/typebox';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';

export interface RuleProblem {
  /** The field, e.g. `rules[2].match.amount.min`; `rules file` for the whole document. */
  path: string;
  message: string;
}

export const describeProblem = (problem: RuleProblem): string => `${problem.path}: ${problem.message}`;

/** `/rules/2/match/amount/min` → `rules[2].match.amount.min` (JSON Pointer escapes undone). */
export function readablePath(pointer: string): string {
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let path = '';
  for (const segment of segments) path += /^\d+$/.test(segment) ? `[${segment}]` : path === '' ? segment : `.${segment}`;
  return path === '' ? 'rules file' : path;
}

/** What a value of `schema` must be, in words. */
export function expected(schema: TSchema): string {
  const description = typeof schema.description === 'string' ? schema.description : undefined;
  switch (schema.type) {
    case 'integer':
      return `an integer${range(schema)}`;
    case 'number':
      return `a number${range(schema)}`;
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'an object';
    case 'array': {
      const min = schema.minItems as number | undefined;
      const max = schema.maxItems as number | undefined;
      if (min !== undefined && min > 0 && max !== undefined) return `a list of ${min} to ${max} items`;
      if (max !== undefined) return `a list of at most ${max} items`;
      return 'a list';
    }
    case 'string': {
      if (description) return description;
      const min = schema.minLength as number | undefined;
      const max = schema.maxLength as number | undefined;
      if (min !== undefined && max !== undefined) return `a string of ${min} to ${max} characters`;
      return 'a string';
    }
    default:
      return description ?? 'valid';
  }
}

function range(schema: TSchema): string {
  const min = schema.minimum as number | undefined;
  const max = schema.maximum as number | undefined;
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ≤ ${max}`;
  return '';
}

const isPlainObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One problem per field. A value that fails a union (a gateway entry) is explained by the variant
 * it was meant as: an object by the object's own fields, anything else by the union's description.
 */
export function schemaProblems(errors: Iterable<ValueError>): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const seen = new Set<string>();
  const add = (pointer: string, message: string) => {
    const path = readablePath(pointer);
    // The first problem of a field says what it must be; more for the same field repeat it.
    if (seen.has(path)) return;
    seen.add(path);
    problems.push({ path, message });
  };
  const walk = (list: Iterable<ValueError>) => {
    for (const error of list) {
      if (error.type === ValueErrorType.ObjectRequiredProperty) add(error.path, 'is required');
      else if (error.type === ValueErrorType.ObjectAdditionalProperties) add(error.path, 'is not a field of the rules file');
      else if (error.type === ValueErrorType.Union) {
        const variants = (error.schema.anyOf ?? []) as TSchema[];
        const objectVariant = variants.findIndex((v) => v.type === 'object');
        const nested = error.errors[objectVariant];
        if (isPlainObject(error.value) && nested) walk(nested);
        else add(error.path, `must be ${expected(error.schema)}`);
      } else add(error.path, `must be ${expected(error.schema)}`);
    }
  };
  walk(errors);
  return problems;
}

/** Field names in the order `schema` declares them, depth first (the order a file is read in). */
function fieldOrder(schema: TSchema, into: string[] = []): string[] {
  if (Array.isArray(schema.anyOf)) for (const variant of schema.anyOf as TSchema[]) fieldOrder(variant, into);
  if (schema.type === 'array' && schema.items) fieldOrder(schema.items as TSchema, into);
  if (schema.type === 'object' && schema.properties) {
    for (const [key, property] of Object.entries(schema.properties as Record<string, TSchema>)) {
      if (!into.includes(key)) into.push(key);
      fieldOrder(property, into);
    }
  }
  return into;
}

const segmentsOf = (path: string) => path.split(/\.|(?=\[)/).map((s) => (/^\[\d+\]$/.test(s) ? Number(s.slice(1, -1)) : s));

/** Problems sorted as their fields appear in a file of `schema`: list items by index, fields in declared order. */
export function inFileOrder(schema: TSchema, problems: readonly RuleProblem[]): RuleProblem[] {
  const order = fieldOrder(schema);
  const rank = (segment: string | number) =>
    typeof segment === 'number' ? segment : order.includes(segment) ? order.indexOf(segment) : order.length;
  const compare = (a: RuleProblem, b: RuleProblem) => {
    const x = segmentsOf(a.path);
    const y = segmentsOf(b.path);
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const [p, q] = [x[i] ?? '', y[i] ?? ''];
      if (p === q) continue;
      const byRank = rank(p) - rank(q);
      return byRank !== 0 ? byRank : String(p).localeCompare(String(q));
    }
    return x.length - y.length;
  };
  // Array.prototype.sort is stable: problems of one field keep their order.
  return [...problems].sort(compare);
}
