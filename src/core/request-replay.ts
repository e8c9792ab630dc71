import type { CoreContext } from './context.js';
import { RequestKeyTaken, type RequestKey } from './request-key.js';
import { sameRequest } from './request-fingerprint.js';
import { HoldfastError } from '../domain/errors.js';
import { findRequestKey, saveRequestResponse, type StoredRequestKey } from '../store/request-keys-repository.js';

/** A dialect's answer to one request. */
export interface Answer {
  status: number;
  body: unknown;
}

export interface ReplayableRequest {
  merchantId: string;
  /** The client's request id header, if it sent one. */
  requestId: string | undefined;
  method: string;
  url: string;
  body: unknown;
}

/**
 * Runs a mutating request at most once per client request id. The id is claimed in the same
 * transaction as the effect (request-key.ts, in the same statement as the effect); the answer is stored afterwards, so a replay
 * returns the first answer, or, when the first attempt died before answering, the order as
 * that effect left it. The same id with a different request is `idempotency_conflict`.
 */
export async function answerOnce(
  ctx: CoreContext,
  request: ReplayableRequest,
  run: (key: RequestKey | undefined) => Promise<Answer>,
  renderOrder: (orderId: string) => Promise<Answer>,
): Promise<Answer> {
  if (!request.requestId) return run(undefined);
  const fingerprint = ctx.keys.requestFingerprint({ method: request.method, url: request.url, body: request.body ?? null });
  const replay = (stored: StoredRequestKey): Promise<Answer> => {
    if (!sameRequest(stored.requestFingerprint, fingerprint)) {
      throw new HoldfastError(
        'idempotency_conflict',
        'The request has already been processed: this Request-ID was used for a different request',
        {
          field: 'Request-ID',
        },
      );
    }
    // A reply dropped by retention is answered as one never stored: the order as it is now.
    if (stored.responseStatus !== null && !stored.replyPruned)
      return Promise.resolve({ status: stored.responseStatus, body: stored.responseBody });
    if (!stored.orderId) throw new Error('request key without order');
    return renderOrder(stored.orderId);
  };

  const stored = await findRequestKey(ctx.db, request.merchantId, request.requestId);
  if (stored) return replay(stored);
  let answer: Answer;
  try {
    answer = await run({ id: request.requestId, fingerprint });
  } catch (error) {
    if (error instanceof RequestKeyTaken) return replay(error.stored);
    throw error;
  }
  if (answer.status < 300) {
    await saveRequestResponse(ctx.db, request.merchantId, request.requestId, fingerprint, answer.status, answer.body, ctx.clock.now());
  }
  return answer;
}
