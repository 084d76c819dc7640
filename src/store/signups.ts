// Sign-ups waiting for confirmation: the choices made on the subscribe form, kept only until the magic link
// expires. Nothing is sent and no subscriber exists until the link is used.
import { z } from 'zod';
import { deliverySettingsSchema } from '../contracts/subscriber';
import type { Db } from './keys';

export const pendingSignupSchema = deliverySettingsSchema.extend({
  topics: z.array(z.string()).max(50),
  requested_at: z.string(),
});
export type PendingSignup = z.infer<typeof pendingSignupSchema>;

/** Keep the choices for as long as the link lives (a later sign-up from the same address replaces them). */
export async function savePendingSignup(db: Db, email: string, signup: PendingSignup, ttlSeconds: number): Promise<void> {
  await db.redis.set(db.keys.signup(email.toLowerCase()), JSON.stringify(signup), 'EX', ttlSeconds);
}

/** Take the pending sign-up of this address (once: a second confirmation finds nothing). */
export async function takePendingSignup(db: Db, email: string): Promise<PendingSignup | null> {
  const raw = await db.redis.getdel(db.keys.signup(email.toLowerCase()));
  if (!raw) return null;
  const parsed = pendingSignupSchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : null;
}

/** Ask the workers for a welcome briefing (the edge app never touches BullMQ: a stream entry is its request). */
export async function requestWelcomeBriefing(db: Db, subscriberId: string, at: Date): Promise<string> {
  return (await db.redis.xadd(
    db.keys.welcome,
    'MAXLEN',
    '~',
    '100000',
    '*',
    'subscriber_id',
    subscriberId,
    'at',
    at.toISOString(),
  )) as string;
}
