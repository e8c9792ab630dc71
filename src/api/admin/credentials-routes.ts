import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { merchantCredentials, revokeCredential, rotateCredential, type CredentialRefusal } from '../../core/admin/credentials.js';
import type { CoreContext } from '../../core/context.js';
import type { CredentialKind } from '../../store/merchant-credentials-repository.js';
import { findMerchantView } from '../../core/admin/merchant-admin.js';
import { actorOf, assertSeesMerchant, requestIdOf, requireRole } from './access.js';
import { AdminError } from './admin-error.js';
import {
  CredentialList,
  MerchantParams,
  RevokedCredential,
  RevokeParams,
  RotateBody,
  RotatedCredential,
  RotateParams,
  withErrors,
} from './merchant-schemas.js';

/** How long the replaced credential keeps working after a rotation, unless the call says otherwise (docs/admin-api.md). */
const DEFAULT_OVERLAP_SECONDS = 86_400;

function refusal(refused: CredentialRefusal): AdminError {
  return new AdminError(refused.refused, refused.message);
}

/**
 * A merchant's credentials (docs/admin-api.md): viewers list them (never a secret); admins rotate
 * one kind with an overlap, or revoke an old one at once.
 */
export async function credentialsRoutes(root: FastifyInstance, { ctx }: { ctx: CoreContext }): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/merchants/:id/credentials',
    {
      schema: { summary: 'List a merchant’s credentials', params: MerchantParams, response: withErrors({ 200: CredentialList }) },
      preValidation: requireRole('viewer'),
    },
    async (request) => {
      assertSeesMerchant(actorOf(request), request.params.id, 'No such merchant');
      if (!(await findMerchantView(ctx, request.params.id))) throw new AdminError('not_found', 'No such merchant');
      return { data: await merchantCredentials(ctx, request.params.id) };
    },
  );

  app.post(
    '/merchants/:id/credentials/:kind/rotate',
    {
      schema: {
        summary: 'Rotate a credential, the old one kept for an overlap',
        params: RotateParams,
        body: RotateBody,
        response: withErrors({ 200: RotatedCredential }),
      },
      preValidation: [
        requireRole('admin'),
        // A rotation needs no body: an absent one means the default overlap.
        async (request) => {
          if ((request.body as unknown) === undefined) request.body = {};
        },
      ],
    },
    async (request) => {
      const actor = actorOf(request);
      assertSeesMerchant(actor, request.params.id, 'No such merchant');
      const rotated = await rotateCredential(
        ctx,
        request.params.id,
        request.params.kind as CredentialKind,
        request.body.overlap_seconds ?? DEFAULT_OVERLAP_SECONDS,
        { actor, requestId: requestIdOf(request) },
      );
      if ('refused' in rotated) throw refusal(rotated);
      return rotated;
    },
  );

  app.post(
    '/merchants/:id/credentials/:credential_id/revoke',
    {
      schema: { summary: 'Revoke a credential at once', params: RevokeParams, response: withErrors({ 200: RevokedCredential }) },
      preValidation: requireRole('admin'),
    },
    async (request) => {
      const actor = actorOf(request);
      assertSeesMerchant(actor, request.params.id, 'No such merchant');
      const revoked = await revokeCredential(ctx, request.params.id, request.params.credential_id, {
        actor,
        requestId: requestIdOf(request),
      });
      if ('refused' in revoked) throw refusal(revoked);
      return revoked;
    },
  );
}
