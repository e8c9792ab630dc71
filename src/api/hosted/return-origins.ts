import type { OrderAggregate } from '../../domain/order.js';
import type { OrderState } from '../../domain/order-state.js';
import type { HostedDialect } from '../dialect.js';
import { originOf } from './security-headers.js';

/**
 * Every origin the browser may be sent back to from this order's pages, whatever the outcome:
 * a dialect may return a failure elsewhere than a success (Pine Labs' failure_callback_url), and
 * the page's CSP must allow its forms to lead to either before the outcome is known. The dialect
 * is asked for its redirect as the order would be in each outcome.
 */
const OUTCOMES: readonly OrderState[] = ['CREATED', 'PENDING', 'AUTHORIZED', 'CAPTURED', 'ATTEMPTED', 'FAILED'];

export function returnOrigins(aggregate: OrderAggregate, dialect: HostedDialect): string[] {
  const origins = new Set<string>();
  const add = (url: string | null | undefined) => {
    const origin = originOf(url);
    if (origin) origins.add(origin);
  };
  add(aggregate.order.returnUrl);
  for (const state of OUTCOMES) {
    try {
      for (const customerCancelled of [false, true]) {
        add(dialect.returnRedirect({ ...aggregate, order: { ...aggregate.order, state } }, { keys: undefined, customerCancelled })?.url);
      }
    } catch {
      // A URL stored before return URLs were checked: the outcome page is shown instead (outcome.ts).
    }
  }
  return [...origins];
}

/** Whether the order's dialect would send the browser anywhere (else the outcome is shown as a page). */
export function hasReturnUrl(aggregate: OrderAggregate, dialect: HostedDialect): boolean {
  try {
    return dialect.returnRedirect(aggregate, { keys: undefined, customerCancelled: false }) !== undefined;
  } catch {
    return false;
  }
}
