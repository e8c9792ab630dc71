import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { completeAuthentication, isChallengeOpen } from '../../core/operations/authorize.js';
import { isStorableText } from '../text-safety.js';
import type { HostedPageOptions } from './index.js';
import { HTML, htmlPage, messagePage } from './html-page.js';
import { CHALLENGE_PATH } from './links.js';
import { sendOutcome } from './outcome.js';

/**
 * The 3-D Secure challenge page a `challenge_url` (Pine Labs) or `payment.authentication.url`
 * (Juspay) opens: the cardholder types the OTP (the sandbox approves 123456) and is sent back to
 * the merchant's URL with the outcome.
 */
export async function challengePageRoutes(app: FastifyInstance, { ctx, dialectOf }: HostedPageOptions): Promise<void> {
  await app.register(formbody);

  app.get<{ Querystring: { token?: string } }>(CHALLENGE_PATH, async (request, reply) => {
    const token = typeof request.query.token === 'string' ? request.query.token : '';
    if (!token || !isStorableText(token) || !(await isChallengeOpen(ctx, token))) {
      return reply.status(404).type(HTML).send(messagePage('This authentication link is invalid or has already been used.'));
    }
    return reply.type(HTML).send(challengeForm(token));
  });

  app.post<{ Querystring: { token?: string } }>(CHALLENGE_PATH, async (request, reply) => {
    const body = (request.body ?? {}) as { otp?: unknown; token?: unknown };
    const token = request.query.token ?? (typeof body.token === 'string' ? body.token : '');
    const otp = typeof body.otp === 'string' ? body.otp : '';
    const aggregate = token && isStorableText(token) ? await completeAuthentication(ctx, token, otp) : undefined;
    if (!aggregate) return reply.status(404).type(HTML).send(messagePage('This authentication link is invalid or has already been used.'));
    return sendOutcome(reply, aggregate, { ctx, dialectOf });
  });
}

function challengeForm(token: string): string {
  return htmlPage(
    'Holdfast 3-D Secure',
    `<h1>Verify your payment</h1><p>Enter the one-time password sent to your phone. (Sandbox: <code>123456</code> approves; anything else fails.)</p>
<form method="post" action="?token=${encodeURIComponent(token)}">
<label>OTP <input name="otp" inputmode="numeric" autocomplete="one-time-code" maxlength="8" autofocus required></label>
<button type="submit">Submit</button></form>`,
  );
}
