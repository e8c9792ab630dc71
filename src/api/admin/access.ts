import type { FastifyRequest } from 'fastify';
import { actorSeesMerchant, roleAllows, type AdminActor, type OperatorRole } from '../../domain/operator-roles.js';
import { AdminError } from './admin-error.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who makes this admin API call; set by the admin API's authentication hook. */
    adminActor?: AdminActor;
  }
}

/** The authenticated actor of an admin request (the authentication hook has run). */
export function actorOf(request: FastifyRequest): AdminActor {
  const actor = request.adminActor;
  if (!actor) throw new AdminError('unauthenticated', 'Sign in or send an admin token');
  return actor;
}

/** A preHandler refusing (403, nothing changed) an actor whose role is below `needed`. */
export function requireRole(needed: OperatorRole) {
  return async (request: FastifyRequest): Promise<void> => {
    const actor = actorOf(request);
    if (!roleAllows(actor.role, needed)) throw new AdminError('forbidden', `This needs the ${needed} role; you have ${actor.role}`);
  };
}

/**
 * Refuses what belongs to a merchant the actor may not see, as if it did not exist (404): an
 * operator limited to some merchants never learns another's ids.
 */
export function assertSeesMerchant(actor: AdminActor, merchantId: string, what = 'Not found'): void {
  if (!actorSeesMerchant(actor, merchantId)) throw new AdminError('not_found', what);
}

/** The merchants a listing is restricted to: null for all, else the actor's (intersected with a requested one). */
export function merchantFilter(actor: AdminActor, requested: string | undefined): readonly string[] | null {
  if (requested !== undefined) return actorSeesMerchant(actor, requested) ? [requested] : [];
  return actor.merchantIds;
}

/** The Request-ID header of an admin call, kept in the audit log beside the change. */
export function requestIdOf(request: FastifyRequest): string | null {
  const value = request.headers['request-id'] ?? request.headers['x-request-id'];
  return typeof value === 'string' && value.length > 0 && value.length <= 128 ? value : null;
}
