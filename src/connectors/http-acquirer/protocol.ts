/**
 * The wire protocol between Holdfast's `http-acquirer` connector and the acquirer simulator
 * (`src/acquirer/`, started by `holdfast acquirer`): the paths, request bodies and answers, as
 * TypeBox schemas so the simulator validates what it is sent and the connector checks what it is
 * answered against the same definitions. It is the one contract the two programs share, so it
 * imports nothing of either.
 *
 * Shape of the protocol (all JSON):
 * - `POST /v1/authorizations` → {@link AuthorizationAnswer}; idempotent by `payment_id`.
 * - `POST /v1/authorizations/{reference}/authenticate` → {@link AuthorizationAnswer}; idempotent by reference.
 * - `POST /v1/captures`, `/v1/reversals`, `/v1/refunds` → {@link OperationAnswer}; idempotent by `operation_id`.
 * - `GET /v1/operations/{operation_id}`, `GET /v1/authorizations/by-payment/{payment_id}`: the current
 *   view, `404 {code: OPERATION_NOT_FOUND | AUTHORIZATION_NOT_FOUND}` when the simulator never received it.
 * - Refusals of a request (nothing done) are `4xx {code, message}`; a business decline is a `200`
 *   answer whose outcome says so.
 */
import { Type, type Static } from '@sinclair/typebox';

/** Ids we send (payment and operation ids) and references the simulator hands out. */
const Id = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._:-]+$' });
const Amount = Type.Integer({ minimum: 1, maximum: 1_000_000_000_000 });
const Currency = Type.String({ pattern: '^[A-Z]{3}$' });

export const AuthorizationBody = Type.Object({
  payment_id: Id,
  /** Minor units (paise). */
  amount: Amount,
  currency: Currency,
  card: Type.Object({
    number: Type.String({ pattern: '^[0-9]{12,19}$' }),
    expiry_month: Type.String({ pattern: '^(0[1-9]|1[0-2])$' }),
    expiry_year: Type.String({ pattern: '^([0-9]{2}|[0-9]{4})$' }),
    cvv: Type.Optional(Type.String({ pattern: '^[0-9]{3,4}$' })),
    holder_name: Type.Optional(Type.String({ maxLength: 100 })),
  }),
  /** true: a sale (authorize and capture at once); false: a pre-authorization. */
  capture: Type.Boolean(),
});
export type AuthorizationBody = Static<typeof AuthorizationBody>;

export const AuthenticationBody = Type.Object({ otp: Type.String({ minLength: 1, maxLength: 20 }) });
export type AuthenticationBody = Static<typeof AuthenticationBody>;

export const ReferenceParams = Type.Object({ reference: Id });
export const PaymentParams = Type.Object({ payment_id: Id });
export const OperationParams = Type.Object({ operation_id: Id });

/** The three follow-up operations on an authorization, and the path each is sent to. */
export type OperationKind = 'capture' | 'reversal' | 'refund';

export const OperationBody = Type.Object({
  /** The caller's id for this operation: its idempotency key. */
  operation_id: Id,
  /** The authorization's `reference`. */
  reference: Id,
  amount: Amount,
  currency: Currency,
  /** Reversals only: `void` (default) releases the whole authorization, `remainder` what a partial capture left. */
  reason: Type.Optional(Type.Union([Type.Literal('void'), Type.Literal('remainder')])),
});
export type OperationBody = Static<typeof OperationBody>;

export const AuthorizationAnswer = Type.Union([
  Type.Object({
    outcome: Type.Literal('approved'),
    payment_id: Type.String(),
    reference: Type.String(),
    approval_code: Type.String(),
    rrn: Type.String(),
    acquirer_reference: Type.String(),
  }),
  Type.Object({ outcome: Type.Literal('challenge'), payment_id: Type.String(), reference: Type.String() }),
  Type.Object({
    outcome: Type.Literal('declined'),
    payment_id: Type.String(),
    reference: Type.String(),
    code: Type.String(),
    message: Type.String(),
  }),
]);
export type AuthorizationAnswer = Static<typeof AuthorizationAnswer>;

export const OperationAnswer = Type.Union([
  Type.Object({
    operation_id: Type.String(),
    kind: Type.Union([Type.Literal('capture'), Type.Literal('reversal'), Type.Literal('refund')]),
    outcome: Type.Union([Type.Literal('succeeded'), Type.Literal('pending')]),
    gateway_reference: Type.String(),
  }),
  Type.Object({
    operation_id: Type.String(),
    kind: Type.Union([Type.Literal('capture'), Type.Literal('reversal'), Type.Literal('refund')]),
    outcome: Type.Literal('failed'),
    gateway_reference: Type.String(),
    code: Type.String(),
    message: Type.String(),
  }),
]);
export type OperationAnswer = Static<typeof OperationAnswer>;

/** Every refusal: `4xx` (or the injected `503`) with this body. */
export const ErrorAnswer = Type.Object({ code: Type.String(), message: Type.String() });
export type ErrorAnswer = Static<typeof ErrorAnswer>;

/** Codes of the `404` answers that mean "never received": the only 404s an inquiry may read as such. */
export const NOT_RECEIVED = { operation: 'OPERATION_NOT_FOUND', authorization: 'AUTHORIZATION_NOT_FOUND' } as const;

const segment = (value: string) => encodeURIComponent(value);

/** The protocol's paths, in one place for the simulator's routes and the connector's calls. */
export const ACQUIRER_PATHS = {
  health: '/v1/health',
  authorizations: '/v1/authorizations',
  authenticate: (reference: string) => `/v1/authorizations/${segment(reference)}/authenticate`,
  operations: { capture: '/v1/captures', reversal: '/v1/reversals', refund: '/v1/refunds' } satisfies Record<OperationKind, string>,
  operation: (operationId: string) => `/v1/operations/${segment(operationId)}`,
  authorizationByPayment: (paymentId: string) => `/v1/authorizations/by-payment/${segment(paymentId)}`,
} as const;
