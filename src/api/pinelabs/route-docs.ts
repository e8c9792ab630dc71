import type { RouteDocumentation, RouteDocumentationTable } from '../docs/route-documentation.js';
import {
  CardDetailsAnswer,
  CheckoutAnswer,
  OrderAnswer,
  OrderOrRefundAnswer,
  OTP_ERROR_FIELDS,
  OtpGenerateAnswer,
  OtpResendAnswer,
  OtpSubmitAnswer,
  PaymentLink,
  pineLabsResponses,
  RefundAnswer,
  TokenAnswer,
} from './response-schemas.js';

const REQUEST_ID = 'A Request-ID header makes the call safe to repeat: the same Request-ID and body answers what the first call answered.';

const capture: RouteDocumentation = {
  summary: 'Capture a pre-authorized order',
  description: `Captures all of the authorization, or capture_amount of it. PUT is the documented method; POST is accepted too. ${REQUEST_ID}`,
  tags: ['Payments'],
  responses: pineLabsResponses(OrderAnswer),
};

/** The OpenAPI operation of each Pine Labs route (src/api/docs/route-documentation.ts), by method and path. */
export const pineLabsDocs: RouteDocumentationTable = {
  'POST /api/auth/v1/token': {
    summary: 'Get an access token',
    description: 'Exchanges the merchant’s client_id and client_secret for a bearer token.',
    tags: ['Authentication'],
    public: true,
    responses: pineLabsResponses(TokenAnswer, ['400', '401']),
  },
  'POST /api/pay/v1/orders': {
    summary: 'Create an order',
    description: `An order for an amount in paise; pre_auth holds the money until it is captured. ${REQUEST_ID}`,
    tags: ['Orders'],
    responses: pineLabsResponses(OrderAnswer, ['400', '401', '422']),
  },
  'GET /api/pay/v1/orders/:order_id': {
    summary: 'Get an order by id',
    tags: ['Orders'],
    responses: pineLabsResponses(OrderOrRefundAnswer, ['401', '404']),
  },
  'GET /api/pay/v1/orders/reference/:merchant_order_reference': {
    summary: 'Get an order by the merchant’s reference',
    tags: ['Orders'],
    responses: pineLabsResponses(OrderAnswer, ['401', '404']),
  },
  'POST /api/pay/v1/orders/:order_id/payments': {
    summary: 'Pay an order by card',
    description: `Authorizes a card payment; a 3-D Secure card leaves it PENDING with the order’s challenge_url. ${REQUEST_ID}`,
    tags: ['Payments'],
    responses: pineLabsResponses(OrderAnswer),
  },
  'PUT /api/pay/v1/orders/:order_id/capture': capture,
  'POST /api/pay/v1/orders/:order_id/capture': capture,
  'PUT /api/pay/v1/orders/:order_id/cancel': {
    summary: 'Cancel (void) a pre-authorized order',
    tags: ['Payments'],
    responses: pineLabsResponses(OrderAnswer),
  },
  'POST /api/pay/v1/refunds/:order_id': {
    summary: 'Refund an order',
    description: `Refunds all of what was captured, or order_amount of it. ${REQUEST_ID}`,
    tags: ['Refunds'],
    responses: pineLabsResponses(RefundAnswer),
  },
  'POST /api/checkout/v1/orders': {
    summary: 'Create a hosted checkout order',
    description: 'Creates an order as create order does and answers the hosted payment page to send the customer to.',
    tags: ['Hosted checkout'],
    responses: pineLabsResponses(CheckoutAnswer, ['400', '401', '422']),
  },
  'POST /api/pay/v1/paymentlink': {
    summary: 'Create a payment link',
    tags: ['Payment links'],
    responses: pineLabsResponses(PaymentLink, ['400', '401', '422']),
  },
  'GET /api/pay/v1/paymentlink/:payment_link_id': {
    summary: 'Get a payment link by id',
    tags: ['Payment links'],
    responses: pineLabsResponses(PaymentLink, ['401', '404']),
  },
  'GET /api/pay/v1/paymentlink/ref/:merchant_payment_link_reference': {
    summary: 'Get a payment link by the merchant’s reference',
    tags: ['Payment links'],
    responses: pineLabsResponses(PaymentLink, ['401', '404']),
  },
  'PUT /api/pay/v1/paymentlink/:payment_link_id/cancel': {
    summary: 'Cancel a payment link',
    tags: ['Payment links'],
    responses: pineLabsResponses(PaymentLink),
  },
  'PATCH /api/pay/v1/paymentlink/:payment_link_id/notify': {
    summary: 'Resend a payment link to the customer',
    description: 'Holdfast sends no e-mail or SMS: the link’s notifications record what would have been sent.',
    tags: ['Payment links'],
    responses: pineLabsResponses(PaymentLink),
  },
  'POST /api/pay/v1/otp/generate': {
    summary: 'Start native OTP for a pending card payment',
    tags: ['Native OTP'],
    responses: pineLabsResponses(OtpGenerateAnswer, undefined, OTP_ERROR_FIELDS),
  },
  'POST /api/pay/v1/otp/resend': {
    summary: 'Resend the OTP',
    tags: ['Native OTP'],
    responses: pineLabsResponses(OtpResendAnswer, undefined, OTP_ERROR_FIELDS),
  },
  'POST /api/pay/v1/otp/submit': {
    summary: 'Submit the OTP',
    description: 'A wrong OTP fails the authentication at once: the payment is FAILED.',
    tags: ['Native OTP'],
    responses: pineLabsResponses(OtpSubmitAnswer, undefined, OTP_ERROR_FIELDS),
  },
  'POST /api/pay/v1/getCardDetails': {
    summary: 'Look up card details (BIN)',
    tags: ['Cards'],
    responses: pineLabsResponses(CardDetailsAnswer, ['400', '401', '422']),
  },
};
