import { Type } from '@sinclair/typebox';
import { MerchantIdsSchema, RoleSchema } from './admin-schemas.js';
import { ADMIN_ERROR_RESPONSES, AdminErrorBody, Nullable } from './schema-parts.js';

/** What the operators, tokens, session and me calls answer (docs/admin-api.md "Session and operators"). */

const IsoTime = Type.String({ format: 'date-time', description: 'ISO 8601 UTC' });
const closed = { additionalProperties: false } as const;

/** `operator`: never a password. */
export const OperatorSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    role: RoleSchema,
    merchant_ids: MerchantIdsSchema,
    must_change_password: Type.Boolean({ description: 'still on its one-time password' }),
    created_at: IsoTime,
    disabled_at: Nullable(IsoTime),
  },
  closed,
);

/** `token`: never the secret. */
export const AdminTokenSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    role: RoleSchema,
    merchant_ids: MerchantIdsSchema,
    created_at: IsoTime,
    last_used_at: Nullable(IsoTime),
    revoked_at: Nullable(IsoTime),
  },
  closed,
);

export const OperatorList = Type.Object({ data: Type.Array(OperatorSchema) }, closed);

export const CreatedOperator = Type.Object(
  { operator: OperatorSchema, one_time_password: Type.String({ description: 'shown once; to be changed at first sign-in' }) },
  closed,
);

export const OperatorAnswer = Type.Object({ operator: OperatorSchema }, closed);

export const AdminTokenList = Type.Object({ data: Type.Array(AdminTokenSchema) }, closed);

export const CreatedAdminToken = Type.Object(
  { token: AdminTokenSchema, secret: Type.String({ description: 'hfa_…, shown once; stored only hashed' }) },
  closed,
);

export const SessionAnswer = Type.Object(
  {
    operator: OperatorSchema,
    csrf_token: Type.String({ description: 'to send as x-csrf-token on every state-changing call' }),
    expires_at: IsoTime,
  },
  closed,
);

/** `GET /me`: the caller, whether an operator's session or an admin token. */
export const WhoAmI = Type.Object(
  {
    kind: Type.Union([Type.Literal('operator'), Type.Literal('token'), Type.Literal('cli'), Type.Literal('system')]),
    id: Nullable(Type.String()),
    name: Type.String({ description: 'the operator’s e-mail or the token’s name' }),
    role: RoleSchema,
    merchant_ids: MerchantIdsSchema,
  },
  closed,
);

/** No body: 204. */
export const NoContent = Type.Null({ description: 'No content' });

/** The admin errors, plus 429 for the calls that count failed sign-ins. */
export const SIGN_IN_ERROR_RESPONSES = { ...ADMIN_ERROR_RESPONSES, 429: AdminErrorBody };
