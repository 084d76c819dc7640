// After any sign-in: if the address has a sign-up waiting, this sign-in confirms it — the subscriber is created
// (an active one, matched by address, gains the chosen topics; one who had left takes the new choices and is
// active again) and a welcome briefing is asked for.
import type { AppDeps } from '../../deps';
import { ensureSubscriber, saveSubscriber } from '../../store/subscribers';
import { requestWelcomeBriefing, takePendingSignup } from '../../store/signups';

/** Returns whether a sign-up was confirmed. */
export async function confirmPendingSignup(deps: AppDeps, email: string): Promise<boolean> {
  const signup = await takePendingSignup(deps.db, email);
  if (!signup) return false;
  const settings = { timezone: signup.timezone, frequency: signup.frequency, weekday: signup.weekday, delivery_hour: signup.delivery_hour };
  const { subscriber, created } = await ensureSubscriber(deps.db, { email, topics: signup.topics, ...settings }, deps.now());
  if (!created && subscriber.status === 'active') {
    // Already subscribed: the form's topics are added to theirs, and the delivery settings and any pause they
    // chose stay as they are (the form's defaults are not a choice to undo them; Settings is where they change).
    await saveSubscriber(deps.db, { ...subscriber, topics: [...new Set([...subscriber.topics, ...signup.topics])].slice(0, 50) });
  } else if (!created) {
    // Coming back after unsubscribing: the new choices apply. A bouncing address stays suppressed: the reader
    // may subscribe, but we do not mail an address that bounces.
    const status = subscriber.status === 'suppressed' ? 'suppressed' : 'active';
    await saveSubscriber(deps.db, {
      ...subscriber,
      ...settings,
      topics: signup.topics.length > 0 ? signup.topics : subscriber.topics,
      status,
      paused_until: null,
    });
  }
  await requestWelcomeBriefing(deps.db, subscriber.id, deps.now());
  deps.log.info({ subscriber: subscriber.id, created }, 'sign-up confirmed; welcome briefing requested');
  return true;
}
