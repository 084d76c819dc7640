// Standard Webhooks signatures (the scheme Resend signs with, via Svix) checked with Web Crypto, so the
// edge app verifies on Workers and Node alike without bundling the Resend SDK. A test checks that it
// accepts and refuses exactly what the SDK's resend.webhooks.verify does.
import { constantTimeEqual, utf8 } from '../encoding';

/** Signatures older or newer than this are refused (replays), as the Standard Webhooks libraries do. */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

export interface WebhookHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

export type WebhookVerdict =
  { ok: true } | { ok: false; reason: 'missing_headers' | 'bad_timestamp' | 'stale' | 'bad_secret' | 'bad_signature' };

function fromBase64(text: string): Uint8Array | null {
  try {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

const keys = new Map<string, Promise<CryptoKey>>();

async function hmac(secret: string, content: string): Promise<Uint8Array | null> {
  let key = keys.get(secret);
  if (!key) {
    const raw = fromBase64(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
    if (!raw || raw.length === 0) return null;
    key = crypto.subtle.importKey('raw', new Uint8Array(raw), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keys.set(secret, key);
  }
  return new Uint8Array(await crypto.subtle.sign('HMAC', await key, utf8(content)));
}

/** Verify the raw body against its `webhook-id`, `webhook-timestamp` and `webhook-signature` headers. */
export async function verifyWebhook(rawBody: string, headers: WebhookHeaders, secret: string, now: Date): Promise<WebhookVerdict> {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return { ok: false, reason: 'missing_headers' };
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || !Number.isSafeInteger(seconds)) return { ok: false, reason: 'bad_timestamp' };
  if (Math.abs(now.getTime() / 1000 - seconds) > WEBHOOK_TOLERANCE_SECONDS) return { ok: false, reason: 'stale' };
  const expected = await hmac(secret, `${id}.${timestamp}.${rawBody}`);
  if (!expected) return { ok: false, reason: 'bad_secret' };
  // The header may carry several space-separated "v1,<base64>" signatures (secret rotation); one match is enough.
  for (const part of signature.split(' ')) {
    const [version, value] = part.split(',', 2);
    if (version !== 'v1' || !value) continue;
    const given = fromBase64(value);
    if (given && constantTimeEqual(given, expected)) return { ok: true };
  }
  return { ok: false, reason: 'bad_signature' };
}
