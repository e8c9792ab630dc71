/**
 * Turns a JSON-schema (ajv) error into one sentence that names the field and states the limit,
 * shared by every dialect.
 */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string | undefined;
  /** Set when the error is about a property's name (`propertyNames`), not its value. */
  propertyName?: string | undefined;
}

/** The pattern shared by merchant references; named in messages in words, not as a regex. */
export const REFERENCE_PATTERN = '^[A-Za-z0-9_-]+$';

export function describeSchemaError(error: SchemaError, root = 'body'): { field: string; message: string } {
  const path = error.instancePath.split('/').filter(Boolean).join('.');
  const field = error.keyword === 'required' ? [path, String(error.params.missingProperty)].filter(Boolean).join('.') : path || root;
  const limit = error.params.limit;
  if (error.propertyName !== undefined && error.keyword === 'maxLength')
    return { field, message: `${field} names must be less than or equal to ${String(limit)} characters` };
  switch (error.keyword) {
    case 'required':
      return { field, message: `${field} is required` };
    case 'minLength':
      return { field, message: limit === 1 ? `${field} must not be empty` : `${field} must be at least ${String(limit)} characters` };
    case 'maxLength':
      return { field, message: `${field} must be less than or equal to ${String(limit)} characters` };
    case 'pattern':
      return {
        field,
        message:
          error.params.pattern === REFERENCE_PATTERN
            ? `${field} may contain only letters, digits, - and _`
            : `${field} has an invalid format`,
      };
    case 'type': {
      const type = String(error.params.type);
      if (!path) return { field, message: 'request body must be a JSON object' };
      return {
        field,
        message: `${field} must be ${type === 'integer' ? 'an integer' : type === 'object' || type === 'array' ? `an ${type}` : `a ${type}`}`,
      };
    }
    case 'minimum':
      return { field, message: `${field} must be greater than or equal to ${String(limit)}` };
    case 'maximum':
      return { field, message: `${field} must be less than or equal to ${String(limit)}` };
    case 'minItems':
      return { field, message: `${field} must have at least ${String(limit)} item(s)` };
    case 'maxItems':
      return { field, message: `${field} must have at most ${String(limit)} item(s)` };
    case 'maxProperties':
      return { field, message: `${field} must have at most ${String(limit)} entries` };
    case 'enum':
      return { field, message: `${field} must be one of ${(error.params.allowedValues as unknown[]).join(', ')}` };
    case 'anyOf':
      return { field, message: `${field} has an invalid type` };
    default:
      return { field, message: `${field} ${error.message ?? 'is invalid'}` };
  }
}
