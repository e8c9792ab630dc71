/**
 * Operator roles (docs/admin-api.md): `viewer` reads; `support` also replays webhooks, resolves
 * reviews and uses the sandbox tools; `admin` does everything (merchants, credentials, operators,
 * tokens). Each role includes the ones below it.
 */
export const OPERATOR_ROLES = ['viewer', 'support', 'admin'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

export function isOperatorRole(value: unknown): value is OperatorRole {
  return typeof value === 'string' && (OPERATOR_ROLES as readonly string[]).includes(value);
}

/** Whether `role` may do what `needed` may. */
export function roleAllows(role: OperatorRole, needed: OperatorRole): boolean {
  return OPERATOR_ROLES.indexOf(role) >= OPERATOR_ROLES.indexOf(needed);
}

/** Who acts through the admin API: an operator's session, an admin token, or the CLI on this machine. */
export interface AdminActor {
  kind: 'operator' | 'token' | 'cli' | 'system';
  id: string | null;
  /** The operator's e-mail, the token's name, or the CLI's "cli:<os username>". */
  name: string;
  role: OperatorRole;
  /** null: every merchant; otherwise the only merchants this actor sees or changes. */
  merchantIds: readonly string[] | null;
}

/** Whether the actor may see (or, with the role for it, change) what belongs to `merchantId`. */
export function actorSeesMerchant(actor: AdminActor, merchantId: string): boolean {
  return actor.merchantIds === null || actor.merchantIds.includes(merchantId);
}
