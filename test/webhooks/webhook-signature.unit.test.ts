// The signature a delivery carries, as the server makes it and as a receiver
// checks it with the SDK's verifyWebhookSignature: a delivery signed with the
// endpoint's secret passes and comes back typed; anything else (another
// secret, a changed body or time, a malformed or missing header, an old
// signature, parsed JSON instead of the raw body) is refused.
import fc from 'fast-check';
import { verifyWebhookSignature, WebhookSignatureError, type WebhookEvent } from '@tally/sdk';
import { signatureHeader } from '../../src/application/webhooks/webhook-signature';

const SECRET = 'whsec_4QvQ3yH9bXo2Lq8mN1sT7uV0wZ5aC6dE9fG2hJ4kL7m';
const NOW_MS = Date.parse('2026-11-15T10:00:00Z');
const NOW_S = NOW_MS / 1_000;
const now = () => NOW_MS;

const event: WebhookEvent = {
  id: '0192f0c4-8a5e-7cc1-9a3b-2f6d1e4c5b7a',
  type: 'usage.threshold_crossed',
  createdAt: '2026-11-15T09:59:58.000Z',
  organizationId: 'org_123',
  data: {
    ruleId: 'rule_80',
    watch: { kind: 'percentOfIncluded', feature: 'OCR_SCAN', percentOfIncluded: 80 },
    threshold: '80',
    value: '80',
    window: { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' },
    cause: 'usage',
    crossedAt: '2026-11-15T09:59:58.000Z',
  },
};
const body = JSON.stringify(event);

const failure = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookSignatureError) return error.reason;
    throw error;
  }
  throw new Error('the signature was accepted');
};

describe('verifyWebhookSignature', () => {
  it('accepts a delivery signed with the secret and returns its envelope, typed', () => {
    const verified = verifyWebhookSignature(body, signatureHeader(SECRET, body, NOW_S), SECRET, { now });
    expect(verified).toEqual(event);
    // The type narrows on `type`: data is the threshold crossing's.
    expect(verified.type === 'usage.threshold_crossed' && verified.data.watch).toEqual({ kind: 'percentOfIncluded', feature: 'OCR_SCAN', percentOfIncluded: 80 });
  });

  it('accepts the raw body as a Buffer, as a framework hands it over', () => {
    expect(verifyWebhookSignature(Buffer.from(body), signatureHeader(SECRET, body, NOW_S), SECRET, { now }).id).toBe(event.id);
  });

  it('rejects an invalid signature: another secret, or a body changed after signing', () => {
    expect(failure(() => verifyWebhookSignature(body, signatureHeader('whsec_another', body, NOW_S), SECRET, { now }))).toBe('signature-mismatch');
    const tampered = body.replace('"value":"80"', '"value":"81"');
    expect(failure(() => verifyWebhookSignature(tampered, signatureHeader(SECRET, body, NOW_S), SECRET, { now }))).toBe('signature-mismatch');
    // The time is signed too: moving it breaks the signature.
    const moved = signatureHeader(SECRET, body, NOW_S).replace(`t=${NOW_S}`, `t=${NOW_S + 1}`);
    expect(failure(() => verifyWebhookSignature(body, moved, SECRET, { now }))).toBe('signature-mismatch');
  });

  it('rejects a signature older or newer than the tolerance, which defaults to five minutes', () => {
    expect(failure(() => verifyWebhookSignature(body, signatureHeader(SECRET, body, NOW_S - 301), SECRET, { now }))).toBe('timestamp-out-of-tolerance');
    expect(verifyWebhookSignature(body, signatureHeader(SECRET, body, NOW_S - 299), SECRET, { now }).id).toBe(event.id);
    expect(failure(() => verifyWebhookSignature(body, signatureHeader(SECRET, body, NOW_S + 61), SECRET, { now, toleranceSeconds: 60 }))).toBe('timestamp-out-of-tolerance');
    expect(verifyWebhookSignature(body, signatureHeader(SECRET, body, NOW_S - 86_400), SECRET, { now, toleranceSeconds: Infinity }).id).toBe(event.id);
  });

  it('rejects a missing or malformed header', () => {
    expect(failure(() => verifyWebhookSignature(body, undefined, SECRET, { now }))).toBe('missing-header');
    expect(failure(() => verifyWebhookSignature(body, '', SECRET, { now }))).toBe('missing-header');
    for (const header of ['v1=abc', `t=${NOW_S}`, `t=soon,v1=${'a'.repeat(64)}`, `t=${NOW_S},v1=${'a'.repeat(63)}`, 'sha256=deadbeef']) {
      expect(failure(() => verifyWebhookSignature(body, header, SECRET, { now }))).toBe('malformed-header');
    }
  });

  it('accepts any one matching v1 among several, as while a secret is replaced', () => {
    const header = `${signatureHeader('whsec_old', body, NOW_S)},v1=${signatureHeader(SECRET, body, NOW_S).split('v1=')[1]}`;
    expect(verifyWebhookSignature(body, header, SECRET, { now }).id).toBe(event.id);
  });

  it('refuses parsed JSON: the signature covers the bytes as sent', () => {
    expect(() => verifyWebhookSignature(JSON.parse(body) as never, signatureHeader(SECRET, body, NOW_S), SECRET, { now })).toThrow(TypeError);
  });

  it('holds for any body and secret: the signed bytes pass, any changed byte fails', () => {
    fc.assert(
      fc.property(fc.json(), fc.string({ minLength: 1, maxLength: 60 }), fc.nat(), (json, secret, flip) => {
        const raw = Buffer.from(json);
        const header = signatureHeader(secret, json, NOW_S);
        expect(verifyWebhookSignature(raw, header, secret, { now })).toEqual(JSON.parse(json));
        const changed = Buffer.from(raw);
        changed[flip % changed.length] ^= 0x01;
        expect(failure(() => verifyWebhookSignature(changed, header, secret, { now }))).toBe('signature-mismatch');
      }),
    );
  });
});
