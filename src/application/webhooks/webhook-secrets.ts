// Webhook signing secrets: made at random, shown once, and kept in the log
// only encrypted (AES-256-GCM under the key from TALLY_WEBHOOK_SECRET_KEY).
// Unlike an API key, a signing secret cannot be kept as a hash: the worker
// needs it back to sign every delivery. The endpoint id is bound in as
// associated data, so a sealed secret copied to another endpoint does not open.
import { createCipheriv, createDecipheriv, hash, randomBytes } from 'node:crypto';

export interface SealedSecret {
  readonly algorithm: 'aes-256-gcm';
  /** Which key sealed it (a fingerprint, not the key), so a wrong key is named as such. */
  readonly keyId: string;
  readonly iv: string;
  readonly ciphertext: string;
  readonly authTag: string;
}

const KEY_FORMAT = /^[0-9a-fA-F]{64}$/;
const IV_BYTES = 12;

/** A new signing secret: 256 random bits, prefixed so it is recognisable in a secret store. */
export const newWebhookSecret = (random: (size: number) => Buffer = randomBytes): string => `whsec_${random(32).toString('base64url')}`;

export class WebhookSecretKeyError extends Error {
  override readonly name = 'WebhookSecretKeyError';
}

export class WebhookSecretBox {
  readonly keyId: string;

  private constructor(private readonly key: Buffer) {
    this.keyId = hash('sha256', key, 'hex').slice(0, 16);
  }

  /** The box for a key of 64 hex digits (32 bytes), as TALLY_WEBHOOK_SECRET_KEY holds it. */
  static fromHexKey(hexKey: string): WebhookSecretBox {
    if (!KEY_FORMAT.test(hexKey)) throw new WebhookSecretKeyError('the webhook secret key must be 64 hex digits (generate one with `openssl rand -hex 32`)');
    return new WebhookSecretBox(Buffer.from(hexKey, 'hex'));
  }

  seal(secret: string, endpointId: string, random: (size: number) => Buffer = randomBytes): SealedSecret {
    const iv = random(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(endpointId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return { algorithm: 'aes-256-gcm', keyId: this.keyId, iv: iv.toString('base64'), ciphertext: ciphertext.toString('base64'), authTag: cipher.getAuthTag().toString('base64') };
  }

  open(sealed: SealedSecret, endpointId: string): string {
    if (sealed.keyId !== this.keyId) {
      throw new WebhookSecretKeyError(`the secret of webhook endpoint ${endpointId} was sealed with another key (${sealed.keyId}); this process has ${this.keyId}`);
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(endpointId, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.authTag, 'base64'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new WebhookSecretKeyError(`the secret of webhook endpoint ${endpointId} does not open with this key`);
    }
  }
}
