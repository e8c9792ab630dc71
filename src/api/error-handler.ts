import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HoldfastError } from '../domain/errors.js';
import { classifyError } from './fastify-errors.js';

/** A status and body, as an error leaves the server. */
export interface ErrorAnswer {
  status: number;
  body: unknown;
}

/** How one dialect (or the root) words the three kinds of failure classifyError tells apart. */
export interface ErrorRenderers {
  /** A catalogue error: status and body (the request says which call failed, and its field names). */
  catalogue(error: HoldfastError, request: FastifyRequest): ErrorAnswer;
  /** A client-side HTTP problem (bad JSON, wrong content type, body too large): the body; the status is the problem's own 4xx. */
  client(message: string): unknown;
  /** Any other failure: the body of the 500, which carries nothing internal. */
  internal(): unknown;
}

/** An error that carries the answer its dialect already decided; sent as is. */
export class RenderedError extends Error {
  constructor(
    readonly answer: ErrorAnswer,
    message = 'rendered error',
  ) {
    super(message);
    this.name = 'RenderedError';
  }
}

/** The Fastify error handler for one error shape: every failure leaves in that shape; internal ones are logged. */
export function errorHandler(renderers: ErrorRenderers) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof RenderedError) return reply.status(error.answer.status).send(error.answer.body);
    const classified = classifyError(error);
    if (classified.kind === 'holdfast') {
      const { retryAfterSeconds } = classified.error.details;
      if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
      // Not the request's fault and not a bug: worth a line, not an error with a stack.
      if (classified.error.code === 'unavailable')
        request.log.warn({ cause: describeCause(classified.error.cause) }, 'database unavailable');
      const { status, body } = renderers.catalogue(classified.error, request);
      return reply.status(status).send(body);
    }
    if (classified.kind === 'client') return reply.status(classified.status).send(renderers.client(classified.message));
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(renderers.internal());
  };
}

/** The driver's code and message of what made the database unavailable, for the log. */
function describeCause(cause: unknown): string | undefined {
  if (!(cause instanceof Error)) return undefined;
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${cause.message}` : cause.message;
}
