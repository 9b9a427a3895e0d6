// Signing secrets are kept sealed with AES-256-GCM under the operator's key:
// they open with that key and that endpoint only, and the sealed form shows
// nothing of the secret.
import { randomBytes } from 'node:crypto';
import { newWebhookSecret, WebhookSecretBox, WebhookSecretKeyError } from '../../src/application/webhooks/webhook-secrets';

const KEY = randomBytes(32).toString('hex');

describe('webhook signing secrets', () => {
  it('are 256 random bits, recognisable by their prefix', () => {
    const secrets = new Set(Array.from({ length: 100 }, () => newWebhookSecret()));
    expect(secrets.size).toBe(100);
    for (const secret of secrets) expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  });

  it('open with the key and endpoint they were sealed for', () => {
    const box = WebhookSecretBox.fromHexKey(KEY);
    const secret = newWebhookSecret();
    const sealed = box.seal(secret, 'we_0123456789abcdef');
    expect(box.open(sealed, 'we_0123456789abcdef')).toBe(secret);
    // A second process with the same key opens it too.
    expect(WebhookSecretBox.fromHexKey(KEY.toUpperCase()).open(sealed, 'we_0123456789abcdef')).toBe(secret);
  });

  it('keep nothing of the secret in the sealed form, and seal the same secret differently each time', () => {
    const box = WebhookSecretBox.fromHexKey(KEY);
    const secret = newWebhookSecret();
    const first = box.seal(secret, 'we_0123456789abcdef');
    const second = box.seal(secret, 'we_0123456789abcdef');
    const stored = JSON.stringify(first);
    expect(stored).not.toContain(secret.slice(6));
    expect(stored).not.toContain(Buffer.from(secret).toString('base64').slice(0, 20));
    expect(first.ciphertext).not.toBe(second.ciphertext);
    expect(first.keyId).not.toContain(KEY.slice(0, 8));
  });

  it('do not open with another key, nor for another endpoint, nor once changed', () => {
    const box = WebhookSecretBox.fromHexKey(KEY);
    const sealed = box.seal(newWebhookSecret(), 'we_0123456789abcdef');
    expect(() => WebhookSecretBox.fromHexKey(randomBytes(32).toString('hex')).open(sealed, 'we_0123456789abcdef')).toThrow(/sealed with another key/);
    expect(() => box.open(sealed, 'we_fedcba9876543210')).toThrow(WebhookSecretKeyError);
    const flipped = Buffer.from(sealed.ciphertext, 'base64');
    flipped[0] ^= 1;
    expect(() => box.open({ ...sealed, ciphertext: flipped.toString('base64') }, 'we_0123456789abcdef')).toThrow(/does not open/);
  });

  it('need a key of 64 hex digits, and never repeat a bad key in the error', () => {
    for (const bad of ['', 'abc', 'z'.repeat(64), 'a'.repeat(63), 'a'.repeat(65)]) {
      expect(() => WebhookSecretBox.fromHexKey(bad)).toThrow(WebhookSecretKeyError);
    }
    expect(() => WebhookSecretBox.fromHexKey(`${'a'.repeat(63)}g`)).toThrow(/^(?!.*aaaa).*64 hex digits/);
  });
});
