// Node's synchronous HMAC-SHA256 for LinkSigner: the same tags as Web Crypto, without its per-call overhead.
import { createHmac } from 'node:crypto';
import type { HmacSha256 } from '../core/links';

export const nodeHmacSha256: HmacSha256 = (secret, message) => createHmac('sha256', secret).update(message, 'utf8').digest();
