import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { createMerchantAudited, findMerchantView, listMerchantsFor, updateMerchant } from '../../core/admin/merchant-admin.js';
import type { CoreContext } from '../../core/context.js';
import { sendTestWebhook } from '../../webhooks/test-delivery.js';
import { actorOf, assertSeesMerchant, requestIdOf, requireRole } from './access.js';
import { AdminError } from './admin-error.js';
import {
  CreatedMerchant,
  CreateMerchantBody,
  Merchant,
  MerchantList,
  MerchantParams,
  PatchMerchantBody,
  WebhookTestResult,
  withErrors,
} from './merchant-schemas.js';

/** A webhook URL must parse and be http(s); anything else would fail every delivery. */
function checkWebhookUrl(url: string | null | undefined): void {
  if (url === null || url === undefined) return;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new AdminError('bad_request', 'webhook_url must be an http(s) URL');
  }
}

const noSuchMerchant = () => new AdminError('not_found', 'No such merchant');

/**
 * Merchants (docs/admin-api.md): viewers list and read the ones they see; admins create (only an
 * unlimited admin: a new merchant is outside every limited list) and change them; support sends a
 * test webhook. What belongs to a merchant outside the actor's list answers 404.
 */
export async function merchantsRoutes(root: FastifyInstance, { ctx }: { ctx: CoreContext }): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/merchants',
    { schema: { summary: 'List merchants', response: withErrors({ 200: MerchantList }) }, preValidation: requireRole('viewer') },
    async (request) => ({
      data: await listMerchantsFor(ctx, actorOf(request)),
    }),
  );

  app.post(
    '/merchants',
    {
      schema: {
        summary: 'Create a merchant, its credentials shown once',
        body: CreateMerchantBody,
        response: withErrors({ 201: CreatedMerchant }),
      },
      preValidation: requireRole('admin'),
    },
    async (request, reply) => {
      const actor = actorOf(request);
      if (actor.merchantIds !== null) throw new AdminError('forbidden', 'Only an admin not limited to some merchants may create merchants');
      checkWebhookUrl(request.body.webhook_url);
      const created = await createMerchantAudited(
        ctx,
        {
          name: request.body.name,
          webhookUrl: request.body.webhook_url ?? null,
          ...(request.body.connector !== undefined ? { connector: request.body.connector } : {}),
          captureWindowSeconds: request.body.capture_window_seconds ?? null,
        },
        { actor, requestId: requestIdOf(request) },
      );
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/merchants/:id',
    {
      schema: { summary: 'A merchant', params: MerchantParams, response: withErrors({ 200: Merchant }) },
      preValidation: requireRole('viewer'),
    },
    async (request) => {
      assertSeesMerchant(actorOf(request), request.params.id, 'No such merchant');
      return (await findMerchantView(ctx, request.params.id)) ?? Promise.reject(noSuchMerchant());
    },
  );

  app.patch(
    '/merchants/:id',
    {
      schema: {
        summary: 'Change a merchant',
        params: MerchantParams,
        body: PatchMerchantBody,
        response: withErrors({ 200: Merchant }),
      },
      preValidation: requireRole('admin'),
    },
    async (request) => {
      const actor = actorOf(request);
      assertSeesMerchant(actor, request.params.id, 'No such merchant');
      const body = request.body;
      checkWebhookUrl(body.webhook_url);
      const updated = await updateMerchant(
        ctx,
        request.params.id,
        {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.webhook_url !== undefined ? { webhookUrl: body.webhook_url } : {}),
          ...(body.webhook_basic_auth !== undefined ? { webhookBasicAuth: body.webhook_basic_auth } : {}),
          ...(body.capture_window_seconds !== undefined ? { captureWindowSeconds: body.capture_window_seconds } : {}),
          ...(body.connector !== undefined ? { connector: body.connector } : {}),
          ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
        },
        { actor, requestId: requestIdOf(request) },
      );
      if (!updated) throw noSuchMerchant();
      return updated;
    },
  );

  app.post(
    '/merchants/:id/webhooks/test',
    {
      schema: {
        summary: 'Send the merchant a signed TEST webhook now',
        params: MerchantParams,
        response: withErrors({ 200: WebhookTestResult }),
      },
      preValidation: requireRole('support'),
    },
    async (request) => {
      const actor = actorOf(request);
      assertSeesMerchant(actor, request.params.id, 'No such merchant');
      const result = await sendTestWebhook(ctx, request.params.id, { actor, requestId: requestIdOf(request) });
      if (result === undefined) throw noSuchMerchant();
      if (result === 'no_url') throw new AdminError('conflict', 'The merchant has no webhook URL');
      return result;
    },
  );
}
