/**
 * A value's object keys put back in the order its schema declares them: jsonb keeps keys in its
 * own order (shortest first), and a rules file read back should read like the one written.
 */
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function inSchemaOrder(schema: TSchema, value: unknown): unknown {
  if (Array.isArray(schema.anyOf)) {
    const variant = (schema.anyOf as TSchema[]).find((v) => Value.Check(v, value));
    return variant ? inSchemaOrder(variant, value) : value;
  }
  if (schema.type === 'array' && Array.isArray(value)) return value.map((item: unknown) => inSchemaOrder(schema.items as TSchema, item));
  if (schema.type === 'object' && isRecord(value)) {
    const properties = (schema.properties ?? {}) as Record<string, TSchema>;
    return Object.fromEntries(
      Object.entries(properties)
        .filter(([key]) => key in value)
        .map(([key, property]) => [key, inSchemaOrder(property, value[key])]),
    );
  }
  return value;
}
