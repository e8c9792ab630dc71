import { parseArgs } from 'node:util';
import { listReviewQueue } from '../core/status-sync.js';
import { openCliApp } from './context.js';

/** `holdfast review list`: orders whose gateway outcome stayed unknown after the last status inquiry. */
export async function reviewCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== 'list') throw new Error('usage: holdfast review list [--json]');
  const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean', default: false } }, strict: true });
  const cli = await openCliApp();
  try {
    const orders = await listReviewQueue(cli.app.ctx, 1000);
    if (values.json) console.log(JSON.stringify(orders));
    else if (orders.length === 0) console.log('No orders need review.');
    else for (const o of orders) console.log(`${o.id}  merchant ${o.merchantId}  ${o.state}  ${o.reason}`);
  } finally {
    await cli.close();
  }
}
