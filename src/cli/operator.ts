import { parseArgs } from 'node:util';
import { cliActor } from '../core/admin/audit.js';
import { createOperator, unknownMerchantIds } from '../core/admin/operators.js';
import { isOperatorRole } from '../domain/operator-roles.js';
import { openCliApp } from './context.js';

const USAGE = 'usage: holdfast operator create --email E --role admin|support|viewer [--merchant ID ...] [--json]';

/**
 * `holdfast operator create`: a person who signs in to the dashboard, with a one-time password
 * printed once (stored only as its scrypt hash) that must be changed at the first sign-in.
 * `--merchant`, repeated, limits the operator to those merchants.
 */
export async function operatorCommand(args: string[]): Promise<void> {
  const [verb, ...rest] = args;
  if (verb !== 'create') throw new Error(USAGE);
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      merchant: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const email = values.email?.trim();
  if (!email || email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(email)) throw new Error(`--email must be an e-mail address; ${USAGE}`);
  if (!isOperatorRole(values.role)) throw new Error(`--role must be admin, support or viewer; ${USAGE}`);
  const merchantIds = values.merchant ?? null;
  const cli = await openCliApp();
  try {
    if (merchantIds) {
      const unknown = await unknownMerchantIds(cli.app.ctx.db, merchantIds);
      if (unknown.length > 0) throw new Error(`--merchant: no merchant ${unknown.join(', ')}`);
    }
    const created = await createOperator(cli.app.ctx, { email, role: values.role, merchantIds }, cliActor());
    if (!created.ok) throw new Error(`An operator with the e-mail ${email} exists already`);
    if (values.json) console.log(JSON.stringify({ operator: created.operator, one_time_password: created.oneTimePassword }));
    else {
      const { operator } = created;
      console.log(`Operator ${operator.id} (${operator.email}, ${operator.role}); one-time password, shown once:`);
      console.log(created.oneTimePassword);
      console.log('Sign in at /dashboard with it; a new password is asked for at the first sign-in.');
    }
  } finally {
    await cli.close();
  }
}
