import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { settleReturnFromUpstream } from '../../core/upstream-resolution.js';
import { isStorableText } from '../text-safety.js';
import { installHostedScope, sendNotice } from './hosted-scope.js';
import type { HostedPageOptions } from './index.js';
import { sendOutcome } from './outcome.js';
import { returnOrigins } from './return-origins.js';
import { applyPagePolicy } from './security-headers.js';

type ReturnRoute = { Params: { accountId: string; paymentId: string } };

const UNVERIFIED = {
  title: 'This return could not be verified',
  message:
    'The payment page sent you back with a link Holdfast cannot trust. Nothing was changed. Return to the merchant to check your order.',
  tone: 'error',
} as const;

const MAX_FIELDS = 32;

/**
 * Where an upstream gateway sends the customer's browser after its own 3-D Secure page
 * (docs/gateways.md): the upstream's signature on the return is checked by the gateway account's
 * connector, then the upstream is asked what happened (the return itself is never trusted for the
 * outcome), the answer recorded as the status sync would, and the customer sent on to the
 * merchant with the same signed return as after Holdfast's own challenge page — a GET by way of a
 * page of Holdfast's own, since the browser comes from the upstream's page (outcome.ts). The
 * return comes as a GET with query fields or a form POST, as upstreams do both; the signed fields
 * are the same either way.
 */
export async function upstreamReturnRoutes(app: FastifyInstance, { ctx, dialectOf }: HostedPageOptions): Promise<void> {
  await installHostedScope(app);

  async function handle(request: FastifyRequest<ReturnRoute>, reply: FastifyReply, fields: unknown): Promise<FastifyReply> {
    const { accountId, paymentId } = request.params;
    const params = textFields(fields);
    if (!params || !isStorableText(accountId) || !isStorableText(paymentId)) return sendNotice(reply, 400, UNVERIFIED);
    const verified = await ctx.gateway.verifyReturn(accountId, params);
    if (!verified) return sendNotice(reply, 400, UNVERIFIED);
    // The signature must be for this attempt's order at the upstream, not another one of the account's.
    const after = await settleReturnFromUpstream(ctx, accountId, paymentId, verified.connectorReference);
    if (!after) return sendNotice(reply, 400, UNVERIFIED);
    applyPagePolicy(reply, { formTargets: returnOrigins(after, dialectOf(after.order.dialect)), frameAncestors: [] });
    return sendOutcome(reply, after, { ctx, dialectOf }, { fromForeignPage: true });
  }

  app.get<ReturnRoute>('/upstream/:accountId/return/:paymentId', (request, reply) => handle(request, reply, request.query));
  app.post<ReturnRoute>('/upstream/:accountId/return/:paymentId', (request, reply) => handle(request, reply, request.body));
}

/** The return's fields as text, or undefined when they are not a small set of plain text fields. */
function textFields(source: unknown): Record<string, string> | undefined {
  if (source === null || typeof source !== 'object') return {};
  const entries = Object.entries(source as Record<string, unknown>);
  if (entries.length > MAX_FIELDS) return undefined;
  const fields: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (typeof value !== 'string' || !isStorableText(key) || !isStorableText(value)) return undefined;
    fields[key] = value;
  }
  return fields;
}
