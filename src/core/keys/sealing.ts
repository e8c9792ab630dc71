import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM with associated data: `aad` binds a sealed value to where it belongs (a data key's
 * id and purpose, a secret's key id), so a sealed value moved to another row does not open.
 * Text form: `iv.tag.body`, each base64.
 */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
}

/** Opens what `seal` made; throws when the key, the associated data or the text is wrong. */
export function unseal(key: Uint8Array, sealed: string, aad: string): Buffer {
  const [iv, tag, body, extra] = sealed.split('.');
  if (!iv || !tag || body === undefined || extra !== undefined) throw new Error('unrecognized sealed value');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]);
}
