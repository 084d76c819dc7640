// Per-address and per-visitor limits on sending sign-in mail, shared by both providers.
import type { Config } from '../env';
import { takeRateLimit } from '../store/auth';
import type { Db } from '../store/keys';
import { sha256Hex } from '../core/encoding';
import { authFailures, type AuthFailure } from '../core/auth/errors';

/** Count one send for the address and the visitor; a 429 failure when any limit is used up. */
export async function takeSendLimit(
  deps: { db: Db; config: Config; now: () => Date },
  email: string,
  ip: string | null,
): Promise<AuthFailure | null> {
  const { config } = deps;
  // Buckets are keyed by hashes so Redis key names never carry addresses.
  const emailKey = await sha256Hex(email.toLowerCase());
  const wait = await takeRateLimit(deps.db, [
    { bucket: `email-cooldown:${emailKey}`, limit: 1, windowSeconds: config.AUTH_EMAIL_COOLDOWN_SECONDS },
    { bucket: `email-hour:${emailKey}`, limit: config.AUTH_EMAIL_HOURLY_LIMIT, windowSeconds: 3600 },
    ...(ip ? [{ bucket: `ip-hour:${await sha256Hex(ip)}`, limit: config.AUTH_IP_HOURLY_LIMIT, windowSeconds: 3600 }] : []),
  ]);
  return wait > 0 ? authFailures.emailRateLimit(Math.ceil(wait / 1000)) : null;
}
