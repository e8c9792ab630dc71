import type { FastifyInstance } from 'fastify';
import { invalidInput } from '../../domain/errors.js';
import { newUuid } from '../../domain/ids.js';
import type { DialectRouteOptions } from '../dialect.js';
import { requestMerchant } from './auth.js';
import { booleanField, flattenBody, stringField, type FlatBody } from './fields.js';
import { createJuspayOrder } from './order-request.js';
import { renderSession } from './session-render.js';

/**
 * Fields that shape one session's SDK payload, not the order: they stay out of the order's
 * fingerprint, so a session for an order made by `POST /orders` (or by an earlier session) with
 * the same order fields is a replay, not a conflict. `options.get_client_auth_token` is accepted
 * and has no effect (see session-render.ts on client auth tokens); the OpenAPI spells it with `_`.
 */
const SESSION_ONLY_FIELDS: ReadonlySet<string> = new Set([
  'payment_page_client_id',
  'action',
  'payment_page_environment',
  'options.get_client_auth_token',
  'options_get_client_auth_token',
]);

/** The one action Holdfast's hosted page serves (Juspay's other actions open screens it does not have). */
const PAYMENT_PAGE_ACTION = 'paymentPage';

/**
 * Juspay's `POST /session`: creates the order exactly as
 * `POST /orders` does and answers with the hosted payment page and an SDK payload. Registered
 * inside the dialect's plugin, so its authentication hook and error handler apply.
 */
export async function juspaySessionRoutes(app: FastifyInstance, { ctx, links }: DialectRouteOptions): Promise<void> {
  app.post('/session', { config: { juspayOperation: 'order' } }, async (request) => {
    const merchantId = requestMerchant(request);
    const body = flattenBody(request.body);
    const clientId = stringField(body, 'payment_page_client_id', { max: 255 }) ?? merchantId;
    const action = stringField(body, 'action', { max: 64 }) ?? PAYMENT_PAGE_ACTION;
    if (action !== PAYMENT_PAGE_ACTION)
      throw invalidInput('action', `action must be ${PAYMENT_PAGE_ACTION}: Holdfast serves the payment page only`);
    stringField(body, 'payment_page_environment', { max: 64 });
    booleanField(body, 'options.get_client_auth_token');
    booleanField(body, 'options_get_client_auth_token');
    const { aggregate } = await createJuspayOrder(ctx, merchantId, body, {
      extraDetailFields: ['first_name', 'last_name'],
      fingerprint: ctx.keys.requestFingerprint(orderFields(body)),
    });
    request.orderIdForLog = aggregate.order.id;
    return renderSession(aggregate, links.base, { clientId, action, requestId: newUuid().replaceAll('-', '') });
  });
}

function orderFields(body: FlatBody): FlatBody {
  return Object.fromEntries(Object.entries(body).filter(([name]) => !SESSION_ONLY_FIELDS.has(name)));
}
