// The send-batch job: compose and send one batch of ≤100 briefings of an edition through the provider's batch API,
// exactly once per reader. The exact request is stored before it goes out, so a retry after a crash or a
// timeout sends the same bytes under the same idempotency key and the provider de-duplicates it. Every delivery
// of the batch is finished here: sent, failed, skipped, or given up on once the batch is out of attempts.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { Worker, type Job } from 'bullmq';
import { z } from 'zod';
import type { BriefingRenderer } from '../emails/fast-briefing';
import { batchIdempotencyKey } from '../src/core/delivery/idempotency';
import type { Logger } from '../src/core/logger';
import { finishDeliveries, getDeliveries, type DeliveryOutcome } from '../src/store/deliveries';
import { readerBucket, type Db } from '../src/store/keys';
import { getSubscribers } from '../src/store/subscribers';
import { addReaderBriefing } from '../src/store/reader-briefings';
import type { BatchEmail, MailTransport, RateLimitInfo } from './mail/transport';
import { composeBriefing, loadSourceTitles, type ComposeDeps } from './briefing/compose-briefing';
import type { SendPacer } from './send-limiter';
import { withBatchReadCache } from './briefing/read-cache';
import { sendBatchJobSchema, type SendBatchJob } from './queues';

/** How long a stored request is kept: Resend remembers an idempotency key for 24 hours. */
const PENDING_TTL_SECONDS = 24 * 3600;
/** How long a sent batch's exact emails are kept, so "preview for reader X" shows what X received (~250 bytes a reader). */
export const SENT_COPY_TTL_SECONDS = 30 * 24 * 3600;

const pendingSchema = z.object({
  key: z.string(),
  recipients: z.array(
    z.object({ subscriber_id: z.string(), article_ids: z.array(z.string()), reasons: z.array(z.array(z.string())).optional() }),
  ),
  emails: z.array(z.custom<BatchEmail>()),
});
type PendingBatch = z.infer<typeof pendingSchema>;

export interface SendBatchDeps extends ComposeDeps {
  transport: MailTransport;
  renderer: BriefingRenderer;
  log: Logger;
  now: () => Date;
  /** Spaces requests at the provider's rate; absent, requests go as soon as a batch is taken up. */
  pacer?: SendPacer;
  /** Called with the provider's rate-limit headers after every answer (the limiter adapts). */
  onRateLimit?: (info: RateLimitInfo) => void;
  /** Called on a 429 before the batch is handed back: pause taking up batches and sending for this long. */
  onTooManyRequests: (ms: number) => Promise<void>;
}

export interface SendBatchResult {
  sent: number;
  /** Articles across the emails sent (for send-now's message). */
  articles?: number;
  failed: number;
  skipped: number;
}

export function sendBatchProcessor(deps: SendBatchDeps) {
  return async (job: Job): Promise<SendBatchResult> => {
    const data = sendBatchJobSchema.parse(job.data);
    const pendingKey = deps.db.keys.pendingBatch(data.batch_id);
    const stored = await deps.db.redis.getBuffer(pendingKey);
    let pending: PendingBatch | null = stored ? unpack(stored) : null;
    let skipped = 0;
    if (!pending) {
      const prepared = await prepare(deps, data);
      skipped = prepared.skipped;
      if (prepared.pending.recipients.length === 0) return { sent: 0, failed: 0, skipped };
      // NX: if another run stored its request first, that one is the request this batch stands by.
      const won = await deps.db.redis.set(pendingKey, pack(prepared.pending), 'EX', PENDING_TTL_SECONDS, 'NX');
      pending = won === 'OK' ? prepared.pending : unpack((await deps.db.redis.getBuffer(pendingKey))!);
    }

    await deps.pacer?.wait();
    const answer = await deps.transport.sendBatch(pending.emails, pending.key);
    if (answer.rateLimit) deps.onRateLimit?.(answer.rateLimit);
    switch (answer.kind) {
      case 'accepted': {
        // Finishing records what each sent email carried (its delivered events, the reader's sent articles) with it, once.
        const outcomes: DeliveryOutcome[] = answer.results.map((r, i) => {
          const recipient = pending.recipients[i]!;
          return r.ok
            ? { subscriberId: recipient.subscriber_id, status: 'sent', messageId: r.id, articleIds: recipient.article_ids }
            : { subscriberId: recipient.subscriber_id, status: 'failed', reason: r.reason };
        });
        await finishDeliveries(deps.db, data.edition_id, data.batch_id, outcomes, deps.now());
        // The readers' web archive: what each email showed, so /briefings re-signs the very same links.
        // Written before the stored request goes, and idempotent, so a retry after a crash writes it again harmlessly.
        // One transaction per bucket of readers (each bucket is one slot on a cluster), sent together.
        const archives = new Map<number, ReturnType<typeof deps.db.redis.multi>>();
        answer.results.forEach((r, i) => {
          const recipient = pending.recipients[i]!;
          if (!r.ok) return;
          const bucket = readerBucket(recipient.subscriber_id);
          const archive = archives.get(bucket) ?? archives.set(bucket, deps.db.redis.multi()).get(bucket)!;
          const items = recipient.article_ids.map((id, k) => ({ id, reasons: recipient.reasons?.[k] ?? [] }));
          addReaderBriefing(archive, deps.db, recipient.subscriber_id, { edition: data.edition_id, sent_at: data.sent_at, items });
        });
        await Promise.all([...archives.values()].map((archive) => archive.exec()));
        // The request becomes the record of what each reader received (same bytes), then the pending copy goes.
        await deps.db.redis.set(deps.db.keys.sentBatch(data.batch_id), stored ?? pack(pending), 'EX', SENT_COPY_TTL_SECONDS);
        await deps.db.redis.del(pendingKey);
        const sent = outcomes.filter((o) => o.status === 'sent').length;
        deps.log.info(
          { edition: data.edition_id, batch: data.batch_id, sent, failed: outcomes.length - sent, transport: deps.transport.name },
          'batch sent',
        );
        const articles = answer.results.reduce((n, r, i) => n + (r.ok ? pending.recipients[i]!.article_ids.length : 0), 0);
        return { sent, articles, failed: outcomes.length - sent, skipped };
      }
      case 'rate_limited':
        // Not processed by the provider, so the batch may be composed afresh next time (a reader may have left meanwhile).
        await deps.db.redis.del(pendingKey);
        await deps.onTooManyRequests(answer.retryAfterMs);
        throw Worker.RateLimitError();
      case 'retry':
        if (!answer.mayHaveBeenProcessed) await deps.db.redis.del(pendingKey);
        throw new Error(answer.reason);
      case 'refused': {
        await finishDeliveries(
          deps.db,
          data.edition_id,
          data.batch_id,
          pending.recipients.map((r) => ({ subscriberId: r.subscriber_id, status: 'failed', reason: answer.reason })),
          deps.now(),
        );
        await deps.db.redis.del(pendingKey);
        deps.log.warn({ edition: data.edition_id, batch: data.batch_id, reason: answer.reason }, 'batch refused by the provider');
        return { sent: 0, failed: pending.recipients.length, skipped };
      }
    }
  };
}

/** A batch out of attempts: its readers still queued are marked failed with the last error, so nothing waits forever. */
export async function giveUpBatch(deps: { db: Db; now: () => Date }, data: SendBatchJob, reason: string): Promise<void> {
  const records = await getDeliveries(deps.db, data.edition_id, data.subscriber_ids);
  const stuck = data.subscriber_ids.filter((_, i) => records[i]?.status === 'queued' && records[i]?.batch === data.batch_id);
  await finishDeliveries(
    deps.db,
    data.edition_id,
    data.batch_id,
    stuck.map((subscriberId) => ({ subscriberId, status: 'failed', reason: `gave up after every attempt: ${reason}` })),
    deps.now(),
  );
}

/** The email one reader of a sent batch received, exactly as it went to the provider; null when no copy is kept. */
export async function sentEmail(db: Db, batchId: string, subscriberId: string): Promise<BatchEmail | null> {
  const stored = await db.redis.getBuffer(db.keys.sentBatch(batchId));
  if (!stored) return null;
  const batch = unpack(stored);
  const i = batch.recipients.findIndex((r) => r.subscriber_id === subscriberId);
  return i === -1 ? null : (batch.emails[i] ?? null);
}

// A batch's emails are ~100 near-identical HTML documents: compressed, the stored request is ~20× smaller.
function pack(pending: PendingBatch): Buffer {
  return deflateRawSync(JSON.stringify(pending), { level: 1 });
}

function unpack(stored: Buffer): PendingBatch {
  return pendingSchema.parse(JSON.parse(inflateRawSync(stored).toString('utf8')));
}

/** Decide who is in the request and compose each email; readers who left or have nothing new are settled here. */
async function prepare(deps: SendBatchDeps, data: SendBatchJob): Promise<{ pending: PendingBatch; skipped: number }> {
  const ids = data.subscriber_ids;
  const [records, subscribers, sourceTitles] = await Promise.all([
    getDeliveries(deps.db, data.edition_id, ids),
    getSubscribers(deps.db, ids),
    loadSourceTitles(deps.db),
  ]);
  const sentAt = new Date(data.sent_at);
  const cached = withBatchReadCache(deps.db);
  const settled: DeliveryOutcome[] = [];
  const composed = await Promise.all(
    ids.map(async (id, i) => {
      const record = records[i];
      if (!record || record.batch !== data.batch_id || record.status !== 'queued') return null; // settled already, or another batch's
      const subscriber = subscribers[i];
      if (!subscriber) {
        settled.push({ subscriberId: id, status: 'skipped', reason: 'the subscriber no longer exists' });
        return null;
      }
      if (subscriber.status !== 'active') {
        settled.push({ subscriberId: id, status: 'skipped', reason: `the subscriber is ${subscriber.status}` });
        return null;
      }
      const briefing = await composeBriefing({ ...deps, db: cached }, subscriber, data.edition_id, sentAt, deps.renderer, sourceTitles);
      if (!briefing) {
        settled.push({ subscriberId: id, status: 'skipped', reason: 'nothing new for this reader' });
        return null;
      }
      const email: BatchEmail = {
        ...briefing.email,
        tags: [
          { name: 'edition', value: data.edition_id },
          { name: 'subscriber', value: id },
        ],
      };
      return { subscriber_id: id, article_ids: briefing.articleIds, reasons: briefing.reasons, email };
    }),
  );
  await finishDeliveries(deps.db, data.edition_id, data.batch_id, settled, deps.now());
  const ready = composed.filter((c): c is NonNullable<typeof c> => c !== null);
  const key = await batchIdempotencyKey(
    data.edition_id,
    ready.map((r) => r.subscriber_id),
  );
  return {
    pending: {
      key,
      recipients: ready.map(({ subscriber_id, article_ids, reasons }) => ({ subscriber_id, article_ids, reasons })),
      emails: ready.map((r) => r.email),
    },
    skipped: settled.length,
  };
}
