import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { findMerchantView } from '../../core/admin/merchant-admin.js';
import type { CoreContext } from '../../core/context.js';
import {
  addGatewayAccount,
  listGatewayAccountViews,
  setGatewayAccountEnabled,
  upstreamEndpoints,
  type GatewayAccountRefusal,
  type GatewayAccountView,
} from '../../core/gateway-accounts.js';
import type { PublicLinks } from '../public-links.js';
import { actorOf, assertSeesMerchant, requestIdOf, requireRole } from './access.js';
import { AdminError } from './admin-error.js';
import { AddGatewayAccountBody, GatewayAccountAnswer, GatewayAccountList, GatewayAccountParams } from './gateway-account-schemas.js';
import { MerchantParams, withErrors } from './merchant-schemas.js';

const refusal = (refused: GatewayAccountRefusal) => new AdminError(refused.refused, refused.message);

/**
 * A merchant's accounts at the gateways Holdfast sits in front of (docs/admin-api.md "Gateway
 * accounts"): viewers list them; admins add, disable and enable them. No answer ever holds a
 * credential: the response schemas list which are set, and serialize nothing else.
 */
export async function gatewayAccountsRoutes(
  root: FastifyInstance,
  { ctx, links }: { ctx: CoreContext; links: PublicLinks },
): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const shown = (account: GatewayAccountView) => ({ ...account, webhook_url: upstreamEndpoints(links.base, account.id).webhookUrl });

  app.get(
    '/merchants/:id/gateway-accounts',
    {
      schema: { summary: 'List a merchant’s gateway accounts', params: MerchantParams, response: withErrors({ 200: GatewayAccountList }) },
      preValidation: requireRole('viewer'),
    },
    async (request) => {
      assertSeesMerchant(actorOf(request), request.params.id, 'No such merchant');
      if (!(await findMerchantView(ctx, request.params.id))) throw new AdminError('not_found', 'No such merchant');
      return { data: (await listGatewayAccountViews(ctx, request.params.id)).map(shown) };
    },
  );

  app.post(
    '/merchants/:id/gateway-accounts',
    {
      schema: {
        summary: 'Add a gateway account to a merchant',
        params: MerchantParams,
        body: AddGatewayAccountBody,
        response: withErrors({ 201: GatewayAccountAnswer }),
      },
      preValidation: requireRole('admin'),
    },
    async (request, reply) => {
      const actor = actorOf(request);
      assertSeesMerchant(actor, request.params.id, 'No such merchant');
      const body = request.body;
      const added = await addGatewayAccount(
        ctx,
        request.params.id,
        {
          name: body.name,
          kind: body.kind,
          baseUrl: body.base_url ?? null,
          credentials: {
            ...(body.client_id !== undefined ? { clientId: body.client_id } : {}),
            ...(body.client_secret !== undefined ? { clientSecret: body.client_secret } : {}),
            ...(body.api_key !== undefined ? { apiKey: body.api_key } : {}),
            ...(body.upstream_merchant_id !== undefined ? { upstreamMerchantId: body.upstream_merchant_id } : {}),
            ...(body.webhook_secret !== undefined ? { webhookSecret: body.webhook_secret } : {}),
            ...(body.webhook_basic_auth !== undefined ? { webhookBasicAuth: body.webhook_basic_auth } : {}),
            ...(body.redirect_key !== undefined ? { redirectKey: body.redirect_key } : {}),
          },
        },
        { actor, requestId: requestIdOf(request) },
      );
      if ('refused' in added) throw refusal(added);
      return reply.status(201).send({ account: shown(added.account) });
    },
  );

  for (const change of ['disable', 'enable'] as const) {
    app.post(
      `/merchants/:id/gateway-accounts/:account_id/${change}`,
      {
        schema: {
          summary: change === 'enable' ? 'Enable a gateway account' : 'Disable a gateway account: no new payments go to it',
          params: GatewayAccountParams,
          response: withErrors({ 200: GatewayAccountAnswer }),
        },
        preValidation: requireRole('admin'),
      },
      async (request) => {
        const actor = actorOf(request);
        assertSeesMerchant(actor, request.params.id, 'No such merchant');
        const changed = await setGatewayAccountEnabled(
          ctx,
          request.params.account_id,
          change === 'enable',
          { actor, requestId: requestIdOf(request) },
          request.params.id,
        );
        if ('refused' in changed) throw refusal(changed);
        return { account: shown(changed.account) };
      },
    );
  }
}
