import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { GATEWAY_ACCOUNT_KINDS } from '../../core/gateway-accounts.js';

/** TypeBox schemas of a merchant's gateway accounts (docs/admin-api.md "Gateway accounts"). */

const IsoTime = Type.String({ description: 'ISO 8601 UTC' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/** Each credential as given; what each kind needs is checked by the core, which names the field. */
const Credential = (description: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description }));

export const GatewayAccount = Type.Object({
  id: Type.String({ description: 'gwa_…: also the connector name its payments are sent through' }),
  merchant_id: Type.String(),
  name: Type.String(),
  kind: Type.String({ enum: [...GATEWAY_ACCOUNT_KINDS] }),
  base_url: Nullable(Type.String()),
  credentials: Type.Array(Type.String(), { description: 'the credentials set, by field name; never their values' }),
  hint: Nullable(Type.String({ description: 'the last four characters of the client id (pinelabs-online) or API key (juspay)' })),
  webhook_url: Type.String({ description: 'where the upstream is to send its webhooks for this account' }),
  disabled_at: Nullable(IsoTime),
  created_at: IsoTime,
  updated_at: IsoTime,
});

export const GatewayAccountList = Type.Object({ data: Type.Array(GatewayAccount) });
export const GatewayAccountAnswer = Type.Object({ account: GatewayAccount });

export const AddGatewayAccountBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    kind: Type.String({ enum: [...GATEWAY_ACCOUNT_KINDS] }),
    base_url: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: 'an absolute http(s) URL; not for sandbox' })),
    client_id: Credential('pinelabs-online'),
    client_secret: Credential('pinelabs-online'),
    api_key: Credential('juspay'),
    upstream_merchant_id: Credential('juspay: the merchant id at the upstream'),
    webhook_secret: Credential('pinelabs-online: the Standard Webhooks secret (whsec_…) its webhooks are signed with'),
    webhook_basic_auth: Credential('juspay: "user:password" its webhooks carry'),
    redirect_key: Credential("the key the upstream signs the browser's return with"),
  },
  { additionalProperties: false },
);
export type AddGatewayAccountBody = Static<typeof AddGatewayAccountBody>;

export const GatewayAccountParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  account_id: Type.String({ minLength: 1, maxLength: 64 }),
});
