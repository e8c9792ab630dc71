import type { FastifyInstance } from 'fastify';
import secureJsonParse from 'secure-json-parse';
import { invalidInput } from '../domain/errors.js';
import { duplicateJsonKey } from './duplicate-json-keys.js';
import { unstorableInput } from './text-safety.js';

/**
 * JSON bodies with prototype-poisoning protection, where an empty body counts as no body
 * (clients send `Content-Type: application/json` on body-less PUTs such as cancel), and where a
 * field named twice in one object is refused rather than silently taking the last value.
 */
export function acceptJsonWithEmptyBody(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    let parsed: unknown;
    try {
      parsed = secureJsonParse.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' });
    } catch {
      const error = new SyntaxError('Request body is not valid JSON') as SyntaxError & { statusCode: number; code: string };
      error.statusCode = 400;
      error.code = 'FST_ERR_CTP_INVALID_JSON_BODY';
      done(error, undefined);
      return;
    }
    const problem = unstorableInput(parsed);
    if (problem) {
      done(problem, undefined);
      return;
    }
    // After the nesting limit above, so the scan below never walks a runaway body.
    const duplicate = duplicateJsonKey(text, parsed);
    if (duplicate) {
      done(invalidInput(duplicate, `${duplicate} appears more than once in the request body`), undefined);
      return;
    }
    done(null, parsed);
  });
}
