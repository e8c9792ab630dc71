import type { FastifyError } from 'fastify';
import { HoldfastError } from '../domain/errors.js';
import { describeSchemaError, type SchemaError } from './validation-message.js';

/**
 * Classifies anything a route can throw into a dialect-neutral shape, so each dialect's error
 * renderer deals with three cases: a catalogue error, a client-side HTTP problem, or an internal
 * failure (whose details never leave the server).
 */
export type ClassifiedError =
  { kind: 'holdfast'; error: HoldfastError } | { kind: 'client'; status: number; message: string; field?: string } | { kind: 'internal' };

export function classifyError(error: unknown): ClassifiedError {
  if (error instanceof HoldfastError) return { kind: 'holdfast', error };
  const e = error as FastifyError & { validation?: SchemaError[]; validationContext?: string };
  if (Array.isArray(e.validation) && e.validation[0]) {
    const schemaError = e.validation[0];
    const { field, message } = describeSchemaError(schemaError, e.validationContext ?? 'body');
    const code = schemaError.keyword === 'required' ? 'missing_field' : 'invalid_input';
    return { kind: 'holdfast', error: new HoldfastError(code, message, { field }) };
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { kind: 'client', status: e.statusCode, message: clientMessage(e) };
  }
  return { kind: 'internal' };
}

function clientMessage(e: FastifyError): string {
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
      // Fastify's own 4xx messages are fixed strings about the request, never internals.
      return e.statusCode === 400 && e instanceof SyntaxError ? 'Request body is not valid JSON' : e.message;
  }
}
