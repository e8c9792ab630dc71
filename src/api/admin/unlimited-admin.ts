import type { FastifyRequest } from 'fastify';
import { actorOf, requireRole } from './access.js';
import { AdminError } from './admin-error.js';

/**
 * A preHandler for operators and tokens (docs/admin-api.md): only an `admin` limited to no
 * merchants may manage them, since either could be given access to every merchant.
 */
export async function requireUnlimitedAdmin(request: FastifyRequest): Promise<void> {
  await requireRole('admin')(request);
  if (actorOf(request).merchantIds !== null) {
    throw new AdminError('forbidden', 'Operators and tokens are managed only by an admin limited to no merchants');
  }
}
