/**
 * The parts of Juspay's answers this connector reads (juspay-openapi.json's order object, the
 * `POST /txns` answer, the error bodies), as TypeBox schemas. Only what is read is required;
 * anything else may come and go. Fields that Juspay's own documents type loosely (a number here,
 * a string there, null) accept each.
 */
import { Type, type Static } from '@sinclair/typebox';

const Text = Type.Union([Type.String(), Type.Null()]);
const Loose = Type.Union([Type.String(), Type.Number(), Type.Null()]);

export const JuspayRefund = Type.Object({
  unique_request_id: Type.Optional(Text),
  id: Type.Optional(Text),
  ref: Type.Optional(Text),
  status: Type.String(),
  error_code: Type.Optional(Text),
  error_message: Type.Optional(Text),
});
export type JuspayRefund = Static<typeof JuspayRefund>;

/** The order object: `GET /orders/{id}`, and the answer to create, capture, void and refund. */
export const JuspayOrder = Type.Object({
  order_id: Type.String(),
  status: Type.String(),
  txn_uuid: Type.Optional(Text),
  gateway_id: Type.Optional(Loose),
  bank_error_code: Type.Optional(Text),
  bank_error_message: Type.Optional(Text),
  txn_detail: Type.Optional(
    Type.Union([
      Type.Object({
        gateway: Type.Optional(Text),
        gateway_id: Type.Optional(Loose),
        error_code: Type.Optional(Text),
        error_message: Type.Optional(Text),
      }),
      Type.Null(),
    ]),
  ),
  payment_gateway_response: Type.Optional(
    Type.Union([
      Type.Object({
        resp_code: Type.Optional(Text),
        resp_message: Type.Optional(Text),
        rrn: Type.Optional(Text),
        epg_txn_id: Type.Optional(Text),
        auth_id_code: Type.Optional(Text),
      }),
      Type.Null(),
    ]),
  ),
  refunds: Type.Optional(Type.Union([Type.Array(JuspayRefund), Type.Null()])),
});
export type JuspayOrder = Static<typeof JuspayOrder>;

/** The answer to `POST /txns` with `format=json`: the transaction's status and where 3-D Secure happens. */
export const JuspayTxnAnswer = Type.Object({
  order_id: Type.String(),
  txn_uuid: Type.Optional(Text),
  status: Type.String(),
  payment: Type.Optional(
    Type.Object({
      authentication: Type.Optional(
        Type.Object({
          method: Type.Optional(Type.String()),
          url: Type.String(),
        }),
      ),
    }),
  ),
});
export type JuspayTxnAnswer = Static<typeof JuspayTxnAnswer>;

/** Juspay's error bodies: `{status, error_code, error_message, error_info?}` or `{status_id: -1, status: "ERROR", …}`. */
export const JuspayError = Type.Object({
  status: Type.Optional(Loose),
  error_code: Type.Optional(Text),
  error_message: Type.Optional(Text),
  error_info: Type.Optional(
    Type.Object({
      code: Type.Optional(Text),
      fields: Type.Optional(Type.Array(Type.Object({ field_name: Type.String() }))),
    }),
  ),
});
export type JuspayError = Static<typeof JuspayError>;

/** Refund errors say `duplicate.call` for a `unique_request_id` already used; capture errors say it in `error_code` too. */
export const DUPLICATE_CALL = 'duplicate.call';
