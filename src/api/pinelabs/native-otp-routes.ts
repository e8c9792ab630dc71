import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { challengeStanding, submitChallengeOtp, type PaymentOnOrder } from '../../core/native-otp.js';
import { HoldfastError } from '../../domain/errors.js';
import type { Payment } from '../../domain/order.js';
import type { DialectRouteOptions } from '../dialect.js';
import { RenderedError } from '../error-handler.js';
import { merchantOf } from './request-context.js';
import { pineLabsPaymentStatus } from './status.js';

const PaymentId = Type.String({ minLength: 1, maxLength: 100 });
const PaymentIdBody = Type.Object({ payment_id: PaymentId });
// Pine Labs' samples send 4 (docs) and 6 (the sandbox's 123456) digits.
const SubmitOtpBody = Type.Object({ payment_id: PaymentId, otp: Type.String({ pattern: '^[0-9]{4,8}$' }) });

/** What the cardholder may do next while a challenge is open, and how long before a resend (Pine Labs' documented values). */
const NEXT_STEPS = ['SUBMIT_OTP', 'RESEND_OTP'];
const RESEND_AFTER_SECONDS = '180';

/**
 * Pine Labs' native OTP calls (`/api/pay/v1/otp/generate`, `/submit`, `/resend`) for a card payment
 * left PENDING with a 3-D Secure challenge. Holdfast sends no SMS: the sandbox's OTP is fixed
 * (docs/test-cards.md), so generate and resend confirm that the challenge still waits and say
 * what comes next. A wrong OTP fails the authentication at once, as on the challenge page.
 */
export async function pineLabsNativeOtpRoutes(root: FastifyInstance, { ctx }: DialectRouteOptions): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  const waiting = async (merchantId: string, paymentId: string) => {
    const found = await orPaymentNotFound(challengeStanding(ctx, merchantId, paymentId));
    if (found.standing === 'failed') throw authenticationFailed(found.payment);
    if (found.standing === 'closed') throw notWaiting(found);
  };

  app.post('/pay/v1/otp/generate', { schema: { body: PaymentIdBody } }, async (request) => {
    await waiting(merchantOf(request), request.body.payment_id);
    return { next: NEXT_STEPS, meta_data: { resend_after: RESEND_AFTER_SECONDS } };
  });

  app.post('/pay/v1/otp/resend', { schema: { body: PaymentIdBody } }, async (request) => {
    await waiting(merchantOf(request), request.body.payment_id);
    return { status: 'SUCCESS', next: NEXT_STEPS, meta_data: { resend_after: RESEND_AFTER_SECONDS } };
  });

  app.post('/pay/v1/otp/submit', { schema: { body: SubmitOtpBody } }, async (request) => {
    const { payment_id: paymentId, otp } = request.body;
    const answered = await orPaymentNotFound(submitChallengeOtp(ctx, merchantOf(request), paymentId, otp));
    if (answered.result === 'closed') throw notWaiting(answered);
    switch (answered.payment.status) {
      case 'AUTHORIZED':
      case 'CAPTURED':
        return { status: 'SUCCESS' };
      case 'FAILED':
        throw authenticationFailed(answered.payment);
      default:
        // The gateway's answer is not known yet (the status sync settles it): the order says the rest.
        return { status: 'PENDING' };
    }
  });
}

/** The payment's challenge is over (or never was): nothing more can be done with an OTP. */
function notWaiting({ aggregate, payment }: PaymentOnOrder): RenderedError {
  const status = pineLabsPaymentStatus(payment.status, aggregate.order.state);
  return otpError(
    422,
    'OPERATION_NOT_ALLOWED',
    `The specified operation cannot be made because required precondition has failed: payment ${payment.id} is not waiting for an OTP (status ${status})`,
  );
}

/** The authentication failed (a wrong OTP, or the challenge's window closed): the payment is FAILED. */
function authenticationFailed(payment: Payment): RenderedError {
  return otpError(422, payment.errorCode ?? 'USER_AUTHENTICATION_FAILED', payment.errorMessage ?? 'Consumer Authentication failed');
}

/** Pine Labs' OTP error body: `{code, message, next, meta_data}`; `next` is empty, as no OTP step is left. */
function otpError(status: number, code: string, message: string): RenderedError {
  return new RenderedError({ status, body: { code, message, next: [], meta_data: {} } }, message);
}

/** An unknown payment id, or another merchant's, answers 404 naming the payment (not an order). */
async function orPaymentNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof HoldfastError && error.code === 'not_found') {
      throw new RenderedError({
        status: 404,
        body: { code: 'NOT_FOUND', message: 'No payment with specified payment_id exists in the system' },
      });
    }
    throw error;
  }
}
