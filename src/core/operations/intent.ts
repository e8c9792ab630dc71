import type { AggregateChange } from '../../domain/order-change.js';
import type { Order } from '../../domain/order.js';
import type { OrderEvent } from '../../domain/order-state.js';
import type { CoreContext } from '../context.js';
import type { OrderNotification } from '../notifications.js';
import type { RequestKey } from '../request-key.js';
import { statusSyncJob, type SyncKind } from '../scheduled-jobs.js';
import { transition } from './gateway-requests.js';
import type { OrderWrite } from './order-write.js';

/** The new operation row an intent writes (one of them). */
type NewRow = Pick<AggregateChange, 'newPayment' | 'newCapture' | 'newRelease' | 'newRefund'>;

/**
 * What every operation's intent writes, in one statement: the order's transition by `event`, the
 * operation row, the status inquiry that settles it if its answer is pending, never comes, or is
 * never recorded (this process may die after the call), and the client's request id.
 */
export function operationIntent(
  ctx: CoreContext,
  order: Order,
  intent: {
    event: OrderEvent;
    row: NewRow;
    sync: SyncKind;
    operationId: string;
    requestKey: RequestKey | undefined;
    notify?: OrderNotification;
    /** The connector the operation goes to: its inquiry's first delay depends on it. */
    connector: string;
  },
  now: Date,
): OrderWrite {
  const payload = { merchantId: order.merchantId, orderId: order.id, operationId: intent.operationId };
  return {
    change: { version: order.version, state: transition(order.state, intent.event), ...intent.row },
    jobs: { enqueue: [statusSyncJob(intent.sync, payload, ctx.syncPolicy, now, intent.connector)] },
    requestKey: intent.requestKey,
    ...(intent.notify ? { notify: intent.notify } : {}),
  };
}
