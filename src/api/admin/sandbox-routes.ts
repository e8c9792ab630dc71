import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { CoreContext } from '../../core/context.js';
import { expireCaptureWindow, settleSandboxOperation } from '../../core/admin/sandbox-tools.js';
import { actorOf, requestIdOf, requireRole } from './access.js';
import { ActionAnswer, actionAnswer } from './action-answer.js';
import { orRefused } from './refusals.js';
import { ADMIN_ERROR_RESPONSES, IdParam } from './schema-parts.js';

const OrderParams = Type.Object({ id: IdParam });

const SettleBody = Type.Object(
  { operation_id: IdParam, outcome: Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]) },
  { additionalProperties: false },
);

/** `/sandbox/orders/:id/…`: answering for the sandbox gateway, for merchants on the sandbox connector only (docs/admin-api.md "Sandbox tools"). */
export async function sandboxRoutes(root: FastifyInstance, { ctx }: { ctx: CoreContext }): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const responses = { 200: ActionAnswer, ...ADMIN_ERROR_RESPONSES };

  app.post(
    '/sandbox/orders/:id/settle',
    {
      preValidation: requireRole('support'),
      schema: { summary: 'Sandbox: settle a pending operation', params: OrderParams, body: SettleBody, response: responses },
    },
    async (request) => {
      const { operation_id: operationId, outcome } = request.body;
      const settled = await orRefused(
        settleSandboxOperation(ctx, actorOf(request), request.params.id, { operationId, outcome }, requestIdOf(request)),
      );
      return actionAnswer(ctx, settled.aggregate);
    },
  );

  app.post(
    '/sandbox/orders/:id/expire-capture-window',
    {
      preValidation: requireRole('support'),
      schema: { summary: 'Sandbox: expire the order’s capture window now', params: OrderParams, response: responses },
    },
    async (request) => {
      const expired = await orRefused(expireCaptureWindow(ctx, actorOf(request), request.params.id, requestIdOf(request)));
      return actionAnswer(ctx, expired.aggregate);
    },
  );
}
