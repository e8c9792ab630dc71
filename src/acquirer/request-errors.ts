/**
 * What the simulator answers a request it cannot take, as `{code, message}`: a body or path that
 * breaks the protocol's schemas is `400 INVALID_REQUEST` with one sentence naming the field and
 * the limit, never the value sent (it may be a card number); Fastify's own 4xx (JSON that does
 * not parse, another content type, a body too large) keep their status with a fixed message.
 * Anything else is not the client's doing: `undefined`, for the caller to answer 500.
 */

/** One ajv error, as Fastify hands it over in `error.validation`. */
interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string | undefined;
}

export interface Refusal {
  status: number;
  body: { code: string; message: string };
}

export function refusalOf(error: unknown): Refusal | undefined {
  const e = error as { validation?: SchemaError[]; validationContext?: string; statusCode?: number; code?: string; message?: string };
  if (Array.isArray(e.validation) && e.validation[0]) {
    return { status: 400, body: { code: 'INVALID_REQUEST', message: describeSchemaError(e.validation, e.validationContext ?? 'body') } };
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, body: { code: 'INVALID_REQUEST', message: clientMessage(e, error instanceof SyntaxError) } };
  }
  return undefined;
}

/** The first schema error in words: the field (dotted path) and what it must be. */
function describeSchemaError(errors: SchemaError[], root: string): string {
  const [error] = errors as [SchemaError];
  const path = error.instancePath.split('/').filter(Boolean).join('.');
  const field = error.keyword === 'required' ? [path, String(error.params.missingProperty)].filter(Boolean).join('.') : path || root;
  const limit = error.params.limit;
  switch (error.keyword) {
    case 'required':
      return `${field} is required`;
    case 'minLength':
      return limit === 1 ? `${field} must not be empty` : `${field} must be at least ${String(limit)} characters`;
    case 'maxLength':
      return `${field} must be less than or equal to ${String(limit)} characters`;
    case 'pattern':
      return `${field} has an invalid format`;
    case 'type': {
      const type = String(error.params.type);
      if (!path) return 'request body must be a JSON object';
      return `${field} must be ${type === 'integer' ? 'an integer' : type === 'object' || type === 'array' ? `an ${type}` : `a ${type}`}`;
    }
    case 'minimum':
      return `${field} must be greater than or equal to ${String(limit)}`;
    case 'maximum':
      return `${field} must be less than or equal to ${String(limit)}`;
    case 'enum':
      return `${field} must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
    case 'const': {
      // A union of literals (e.g. a reversal's reason): one `const` error per allowed value.
      const allowed = errors
        .filter((other) => other.keyword === 'const' && other.instancePath === error.instancePath)
        .map((other) => String(other.params.allowedValue));
      return allowed.length > 1 ? `${field} must be one of ${allowed.join(', ')}` : `${field} must be ${allowed[0]}`;
    }
    case 'anyOf':
      return `${field} has an invalid type`;
    default:
      // ajv's messages state the rule, never the data.
      return `${field} ${error.message ?? 'is invalid'}`;
  }
}

/** Fastify's own 4xx: fixed sentences about the request, never its content. */
function clientMessage(e: { statusCode?: number; code?: string; message?: string }, syntaxError: boolean): string {
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported Content-Type: send application/json';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'Request body is too large';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'Request body is empty';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_BAD_JSON':
      return 'Request body is not valid JSON';
    default:
      return e.statusCode === 400 && syntaxError ? 'Request body is not valid JSON' : (e.message ?? `HTTP ${e.statusCode}`);
  }
}
