// Provider webhook events: each handled once (by its webhook id), kept in a stream, counted per edition.
import type { ResendWebhook } from '../contracts';
import { defaultLimits, guardrailBreach, type GuardrailLimits } from '../core/delivery/guardrails';
import { countEditionEvent, editionSummary } from './deliveries';
import { getSchedule, setSchedulePaused } from './schedules';
import type { Db } from './keys';
import { findSubscriberByEmail, setSubscriberStatus } from './subscribers';

const EVENTS_MAX = 100_000;
const SEEN_TTL_SECONDS = 7 * 24 * 3600;

export interface WebhookTarget {
  editionId: string | null;
  subscriberId: string | null;
}

/**
 * Which edition and reader an event is about: the tags each email carries (Resend echoes them in every event),
 * else the reader by address (then no edition is counted).
 */
export async function resolveWebhookTarget(db: Db, event: ResendWebhook): Promise<WebhookTarget> {
  const raw = event.data.tags;
  const tags: Record<string, string> = Array.isArray(raw) ? Object.fromEntries(raw.map((t) => [t.name, t.value])) : (raw ?? {});
  if (tags.edition && tags.subscriber) return { editionId: tags.edition, subscriberId: tags.subscriber };
  const address = event.data.to?.[0];
  const subscriber = address ? await findSubscriberByEmail(db, address) : null;
  return { editionId: null, subscriberId: subscriber?.id ?? null };
}

export type WebhookHandling = { duplicate: true } | { duplicate: false; suppressed: boolean; target: WebhookTarget };

/** Handle a verified event once: record it, count it, suppress the reader on a hard bounce or a complaint. */
export async function handleWebhookEvent(
  db: Db,
  webhookId: string,
  event: ResendWebhook,
  now: Date,
  limits: GuardrailLimits = defaultLimits,
): Promise<WebhookHandling> {
  const first = await db.redis.set(db.keys.webhookSeen(webhookId), now.toISOString(), 'EX', SEEN_TTL_SECONDS, 'NX');
  if (first !== 'OK') return { duplicate: true };
  const target = await resolveWebhookTarget(db, event);
  const hardBounce = event.type === 'email.bounced' && (event.data.bounce?.type ?? '').toLowerCase() === 'permanent';
  const suppress = hardBounce || event.type === 'email.complained';
  if (suppress && target.subscriberId) await setSubscriberStatus(db, target.subscriberId, 'suppressed');
  if (target.editionId) {
    const field = event.type === 'email.bounced' ? (hardBounce ? 'bounced' : 'soft_bounced') : event.type.replace(/^email\./, '');
    await countEditionEvent(db, target.editionId, field);
    if (field === 'bounced' || field === 'complained') await applyGuardrails(db, target.editionId, now, limits);
  }
  await db.redis.xadd(
    db.keys.webhookEvents,
    'MAXLEN',
    '~',
    EVENTS_MAX,
    '*',
    'id',
    webhookId,
    'type',
    event.type,
    'edition',
    target.editionId ?? '',
    'subscriber',
    target.subscriberId ?? '',
    'suppressed',
    suppress && target.subscriberId ? '1' : '0',
    'event',
    JSON.stringify(event),
  );
  return { duplicate: false, suppressed: suppress && target.subscriberId !== null, target };
}

/** Pause the edition's schedule, saying why, when its complaint or bounce rate crossed a limit. */
async function applyGuardrails(db: Db, editionId: string, now: Date, limits: GuardrailLimits): Promise<void> {
  const summary = await editionSummary(db, editionId);
  const breach = summary ? guardrailBreach(summary, limits) : null;
  if (!summary?.schedule || !breach) return;
  const schedule = await getSchedule(db, summary.schedule);
  if (schedule && !schedule.paused) await setSchedulePaused(db, schedule.name, true, now, `Paused by Tidings: the ${breach}.`);
}
