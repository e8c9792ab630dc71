import { parseArgs } from 'node:util';
import { createAdminToken } from '../core/admin/admin-tokens.js';
import { cliActor } from '../core/admin/audit.js';
import { isOperatorRole } from '../domain/operator-roles.js';
import { openCliApp } from './context.js';

const USAGE = 'usage: holdfast admin token create --name NAME --role admin|support|viewer [--merchant ID ...] [--json]';

/**
 * `holdfast admin token create`: a token for scripts to call the admin API with
 * (`Authorization: Bearer …`), printed once and stored only hashed. `--merchant`, repeated,
 * limits it to those merchants.
 */
export async function adminCommand(args: string[]): Promise<void> {
  const [resource, verb, ...rest] = args;
  if (resource !== 'token' || verb !== 'create') throw new Error(USAGE);
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      role: { type: 'string' },
      merchant: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const name = values.name?.trim();
  if (!name || name.length > 100) throw new Error(`--name is required (at most 100 characters); ${USAGE}`);
  if (!isOperatorRole(values.role)) throw new Error(`--role must be admin, support or viewer; ${USAGE}`);
  const cli = await openCliApp();
  try {
    const issued = await createAdminToken(cli.app.ctx, { name, role: values.role, merchantIds: values.merchant ?? null }, cliActor());
    if (values.json) console.log(JSON.stringify(issued));
    else {
      console.log(`Admin token ${issued.id} (${issued.name}, ${issued.role}); shown once, stored only hashed:`);
      console.log(issued.token);
    }
  } finally {
    await cli.close();
  }
}
