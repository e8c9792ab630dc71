-- The keys that sign the browser's return to the merchant (docs/hosted-redirects.md): Pine Labs'
-- hex secret and Juspay's response key.
-- Both must be recovered to sign, so they are stored encrypted, never in the clear. A merchant
-- created before this migration has none until `holdfast merchant redirect-keys` issues them.
alter table merchants add column pinelabs_redirect_secret_ciphertext text;
alter table merchants add column juspay_response_key_ciphertext text;
