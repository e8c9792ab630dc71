import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { completeAuthentication } from '../core/authorize-payment.js';
import type { CoreContext } from '../core/context.js';
import { pineLabsOrderStatus } from './pinelabs/status.js';

/**
 * The 3-D Secure challenge page a `challenge_url` opens: the cardholder types the OTP (the
 * sandbox approves 123456) and is sent back to the merchant's callback URL with the outcome.
 */
export async function challengePageRoutes(app: FastifyInstance, { ctx }: { ctx: CoreContext }): Promise<void> {
  await app.register(formbody);

  app.get<{ Querystring: { token?: string } }>('/web/auth/landing/', async (request, reply) => {
    const token = typeof request.query.token === 'string' ? request.query.token : '';
    return reply.type('text/html; charset=utf-8').send(page(token));
  });

  app.post<{ Querystring: { token?: string }; Body: { otp?: string; token?: string } }>('/web/auth/landing/', async (request, reply) => {
    const body = (request.body ?? {}) as { otp?: unknown; token?: unknown };
    const token = String(request.query.token ?? body.token ?? '');
    const otp = typeof body.otp === 'string' ? body.otp : '';
    const aggregate = token ? await completeAuthentication(ctx, token, otp) : undefined;
    if (!aggregate) {
      return reply.status(404).type('text/html; charset=utf-8').send(result('This authentication link is invalid or has already been used.'));
    }
    const status = pineLabsOrderStatus(aggregate.order.state);
    const failed = status === 'FAILED' || status === 'ATTEMPTED';
    const callback = (failed ? aggregate.order.details.failure_callback_url : undefined) ?? aggregate.order.details.callback_url;
    if (typeof callback === 'string' && callback) {
      const url = new URL(callback);
      url.searchParams.set('order_id', aggregate.order.id);
      url.searchParams.set('status', status);
      const payment = aggregate.payments[aggregate.payments.length - 1];
      if (failed && payment?.errorCode) {
        url.searchParams.set('error_code', payment.errorCode);
        url.searchParams.set('error_message', payment.errorMessage ?? '');
      }
      return reply.redirect(url.toString(), 303);
    }
    return reply.type('text/html; charset=utf-8').send(result(`Payment ${failed ? 'failed' : 'authenticated'}: order ${aggregate.order.id} is ${status}.`));
  });
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(token: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Holdfast 3-D Secure</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}input,button{font-size:1.2rem;padding:.4rem}</style></head>
<body><h1>Verify your payment</h1><p>Enter the one-time password sent to your phone. (Sandbox: <code>123456</code> approves; anything else fails.)</p>
<form method="post" action="?token=${encodeURIComponent(token)}">
<label>OTP <input name="otp" inputmode="numeric" autocomplete="one-time-code" maxlength="8" autofocus required></label>
<button type="submit">Submit</button></form></body></html>`;
}

function result(message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Holdfast 3-D Secure</title></head><body><p>${escapeHtml(message)}</p></body></html>`;
}
