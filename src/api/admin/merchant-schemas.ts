import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** TypeBox schemas of the merchant and credential calls (docs/admin-api.md "Merchants and credentials"). */

export const AdminErrorBody = Type.Object({ error: Type.String(), message: Type.String() });

/** The error answers every admin call may give, for the OpenAPI document. */
export function withErrors<T extends Record<number, TSchema>>(responses: T) {
  return { ...responses, 400: AdminErrorBody, 401: AdminErrorBody, 403: AdminErrorBody, 404: AdminErrorBody, 409: AdminErrorBody };
}

const IsoTime = Type.String({ description: 'ISO 8601 UTC' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Connector = Type.String({ enum: ['sandbox', 'http-acquirer'] });
export const WebhookUrl = Type.String({ minLength: 1, maxLength: 2048, description: 'an http(s) URL' });
export const CaptureWindowSeconds = Type.Integer({ minimum: 1, maximum: 31_536_000 });
const MerchantName = Type.String({ minLength: 1, maxLength: 200 });

export const Merchant = Type.Object({
  id: Type.String(),
  name: Type.String(),
  connector: Type.String(),
  webhook_url: Nullable(Type.String()),
  webhook_basic_auth_set: Type.Boolean(),
  capture_window_seconds: Nullable(Type.Integer()),
  disabled_at: Nullable(IsoTime),
  created_at: IsoTime,
});

export const MerchantList = Type.Object({ data: Type.Array(Merchant) });

export const MerchantParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const CreateMerchantBody = Type.Object(
  {
    name: MerchantName,
    webhook_url: Type.Optional(WebhookUrl),
    connector: Type.Optional(Connector),
    capture_window_seconds: Type.Optional(CaptureWindowSeconds),
  },
  { additionalProperties: false },
);
export type CreateMerchantBody = Static<typeof CreateMerchantBody>;

/** What `holdfast merchant create --json` prints, shown once. */
export const IssuedCredentials = Type.Object({
  merchant_id: Type.String(),
  client_id: Type.String(),
  client_secret: Type.String(),
  api_key: Type.String(),
  webhook_secret: Type.String(),
  pinelabs_redirect_secret: Type.String(),
  juspay_response_key: Type.String(),
});

export const CreatedMerchant = Type.Object({ merchant: Merchant, credentials: IssuedCredentials });

export const PatchMerchantBody = Type.Object(
  {
    name: Type.Optional(MerchantName),
    webhook_url: Type.Optional(Nullable(WebhookUrl)),
    webhook_basic_auth: Type.Optional(
      Nullable(Type.String({ minLength: 3, maxLength: 400, pattern: '^[^:]+:.+$', description: '"user:password"' })),
    ),
    capture_window_seconds: Type.Optional(Nullable(CaptureWindowSeconds)),
    connector: Type.Optional(Connector),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchMerchantBody = Static<typeof PatchMerchantBody>;

export const CredentialKindSchema = Type.String({ enum: ['client_secret', 'api_key', 'webhook_secret', 'redirect_keys'] });

export const Credential = Type.Object({
  id: Type.String(),
  kind: CredentialKindSchema,
  status: Type.String({ enum: ['active', 'expiring', 'revoked'] }),
  created_at: IsoTime,
  expires_at: Nullable(IsoTime),
  revoked_at: Nullable(IsoTime),
  hint: Nullable(Type.String({ description: 'the last four characters' })),
});

export const CredentialList = Type.Object({ data: Type.Array(Credential) });

export const RotateParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }), kind: CredentialKindSchema });

export const RotateBody = Type.Object(
  { overlap_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 604_800, description: 'default 86400' })) },
  { additionalProperties: false },
);
export type RotateBody = Static<typeof RotateBody>;

/** Only what was issued: one of the four shapes, by kind. */
export const IssuedSecret = Type.Union([
  Type.Object({ client_id: Type.String(), client_secret: Type.String() }),
  Type.Object({ api_key: Type.String() }),
  Type.Object({ webhook_secret: Type.String() }),
  Type.Object({ pinelabs_redirect_secret: Type.String(), juspay_response_key: Type.String() }),
]);

export const RotatedCredential = Type.Object({ credential: Credential, secret: IssuedSecret });

export const RevokeParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  credential_id: Type.String({ minLength: 1, maxLength: 64 }),
});

export const RevokedCredential = Type.Object({ credential: Credential });

export const WebhookTestResult = Type.Object({
  delivered: Type.Boolean(),
  status_code: Nullable(Type.Integer()),
  latency_ms: Type.Integer(),
  error: Nullable(Type.String()),
});
