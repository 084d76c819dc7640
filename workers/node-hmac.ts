// Node's synchronous HMAC-SHA256 for LinkSigner: the same tags as Web Crypto, without its per-call overhead.
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { HmacSha256 } from '../src/core/links/links';

// A KeyObject per secret, made once: handing createHmac raw bytes makes it import the key on every call.
const keyObjects = new WeakMap<Uint8Array, KeyObject>();

export const nodeHmacSha256: HmacSha256 = (secret, message) => {
  let key = keyObjects.get(secret);
  if (!key) keyObjects.set(secret, (key = createSecretKey(secret)));
  return createHmac('sha256', key).update(message, 'utf8').digest();
};
