// The send-batch job: compose and send one batch of ≤100 briefings of an edition through the provider's batch API,
// exactly once per reader. The exact request is stored before it goes out, so a retry after a crash or a
// timeout sends the same bytes under the same idempotency key and the provider de-duplicates it. Every delivery
// of the batch is finished here: sent, failed, skipped, or given up on once the batch is out of attempts.
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { createDeflateRaw, inflateRawSync, type ZlibOptions } from 'node:zlib';
import { Worker, type Job } from 'bullmq';
import { z } from 'zod';
import type { BriefingRenderer } from '../emails/fast-briefing';
import { batchIdempotencyKey } from '../src/core/delivery/idempotency';
import type { Logger } from '../src/core/logger';
import type { SignLinks } from '../src/core/links/sign-links';
import { finishDeliveries, getDeliveries, type DeliveryOutcome } from '../src/store/deliveries';
import { readerBucket, type Db } from '../src/store/keys';
import { inOneWrite } from '../src/store/connection';
import { addReaderBriefing } from '../src/store/reader-briefings';
import { batchRequestBody, type BatchEmail, type MailTransport, type RateLimitInfo } from './mail/transport';
import type { ComposeDeps } from './briefing/compose-briefing';
import { composeFromReads, readBatch, saveSentBriefings } from './briefing/compose-batch';
import { createCandidatePoolCache, type CandidatePoolCache } from './briefing/candidate-pool';
import { COMPOSE_AT_ONCE, createGate, type Gate } from './briefing/compose-gate';
import type { SendPacer } from './send-limiter';
import { stageClock } from './send-stages';
import type { SendActivity } from './send-activity';
import { sendBatchJobSchema, type SendBatchJob } from './queues';

/** How long a stored request is kept: Resend remembers an idempotency key for 24 hours. */
const PENDING_TTL_SECONDS = 24 * 3600;
/** How long a sent batch's exact emails are kept, so "preview for reader X" shows what X received (~250 bytes a reader). */
export const SENT_COPY_TTL_SECONDS = 30 * 24 * 3600;

/** Who a stored request is for; the request itself (the provider's body, serialised once) is stored after it. */
const pendingHeadSchema = z.object({
  key: z.string(),
  recipients: z.array(
    z.object({ subscriber_id: z.string(), article_ids: z.array(z.string()), reasons: z.array(z.array(z.string())).optional() }),
  ),
});
type PendingBatch = z.infer<typeof pendingHeadSchema> & {
  /** The request body exactly as the provider receives it (batchRequestBody). */
  body: Buffer;
  /** The emails, when this run composed them (a stored request is parsed from its body only when a transport needs them). */
  emails?: BatchEmail[];
};

export interface SendBatchDeps extends ComposeDeps {
  /** Signs the composed batches' links (workers/index.ts gives it a thread: briefing/link-signing.ts); deps.signer when absent. */
  signLinks?: SignLinks;
  /** Counts this process's batches in progress, so background loops can give way to them (send-activity.ts). */
  activity?: SendActivity;
  transport: MailTransport;
  renderer: BriefingRenderer;
  /** The prepared candidate pool, shared by every batch of this worker (one is made when absent). */
  candidatePool?: CandidatePoolCache;
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
  const candidatePool = deps.candidatePool ?? createCandidatePoolCache();
  const composing = createGate(COMPOSE_AT_ONCE);
  const run = async (job: Job): Promise<SendBatchResult> => {
    const clock = stageClock();
    const data = sendBatchJobSchema.parse(job.data);
    const pendingKey = deps.db.keys.pendingBatch(data.batch_id);
    let stored = await clock.wait('read_wait', deps.db.redis.getBuffer(pendingKey));
    let pending: PendingBatch | null = stored ? unpack(stored) : null;
    let skipped = 0;
    if (!pending) {
      const prepared = await prepare({ ...deps, candidatePool }, data, composing);
      skipped = prepared.skipped;
      if (prepared.pending.recipients.length === 0) {
        clock.flush();
        return { sent: 0, failed: 0, skipped };
      }
      const packed = await pack(prepared.pending);
      // NX: if another run stored its request first, that one is the request this batch stands by.
      const won = await clock.wait('finish_wait', deps.db.redis.set(pendingKey, packed, 'EX', PENDING_TTL_SECONDS, 'NX'));
      stored = won === 'OK' ? packed : (await deps.db.redis.getBuffer(pendingKey))!;
      pending = won === 'OK' ? prepared.pending : unpack(stored);
    }

    await deps.pacer?.wait();
    const answer = await clock.wait(
      'provider_wait',
      deps.transport.sendBatch(
        pending.emails && !deps.transport.sendsPreparedBody ? pending.emails : { body: pending.body, count: pending.recipients.length },
        pending.key,
      ),
    );
    if (answer.rateLimit) deps.onRateLimit?.(answer.rateLimit);
    switch (answer.kind) {
      case 'accepted': {
        // Finishing records what each sent email carried (its delivered events, the reader's sent articles) with it, once.
        const start = performance.now();
        const outcomes: DeliveryOutcome[] = answer.results.map((r, i) => {
          const recipient = pending.recipients[i]!;
          return r.ok
            ? { subscriberId: recipient.subscriber_id, status: 'sent', messageId: r.id, articleIds: recipient.article_ids }
            : { subscriberId: recipient.subscriber_id, status: 'failed', reason: r.reason };
        });
        // The readers' web archive: what each email showed, so /briefings re-signs the very same links.
        // Idempotent, so a retry after a crash writes it again harmlessly. One transaction per bucket of readers
        // (each bucket is one slot on a cluster), sent together.
        const archives = new Map<number, ReturnType<typeof deps.db.redis.multi>>();
        answer.results.forEach((r, i) => {
          const recipient = pending.recipients[i]!;
          if (!r.ok) return;
          const bucket = readerBucket(recipient.subscriber_id);
          const archive = archives.get(bucket) ?? archives.set(bucket, deps.db.redis.multi()).get(bucket)!;
          const items = recipient.article_ids.map((id, k) => ({ id, reasons: recipient.reasons?.[k] ?? [] }));
          addReaderBriefing(archive, deps.db, recipient.subscriber_id, { edition: data.edition_id, sent_at: data.sent_at, items });
        });
        if (clock.enabled) clock.add('bookkeeping', performance.now() - start);
        // The archive is written before the stored request goes; the request becomes the record of what each reader
        // received (same bytes), then the pending copy goes.
        await clock.wait(
          'finish_wait',
          inOneWrite(deps.db.redis, () =>
            Promise.all([
              finishDeliveries(deps.db, data.edition_id, data.batch_id, outcomes, deps.now()),
              ...[...archives.values()].map((archive) => archive.exec()),
            ]),
          ),
        );
        // Two commands, not one MULTI: the two keys need not share a slot on Redis Cluster.
        await clock.wait('finish_wait', deps.db.redis.set(deps.db.keys.sentBatch(data.batch_id), stored!, 'EX', SENT_COPY_TTL_SECONDS));
        await clock.wait('finish_wait', deps.db.redis.del(pendingKey));
        const sent = outcomes.filter((o) => o.status === 'sent').length;
        deps.log.info(
          { edition: data.edition_id, batch: data.batch_id, sent, failed: outcomes.length - sent, transport: deps.transport.name },
          'batch sent',
        );
        const articles = answer.results.reduce((n, r, i) => n + (r.ok ? pending.recipients[i]!.article_ids.length : 0), 0);
        clock.flush();
        return { sent, articles, failed: outcomes.length - sent, skipped };
      }
      // The stored request stays until the provider gives a final answer: this request was not processed, but an
      // earlier run (killed after the provider accepted, before it heard) may have sent these very bytes under this
      // key. Composed afresh, the request could differ (a new article, changed popularity): the provider would refuse
      // it as a reused key (409) and readers who got their email would be recorded as failed.
      case 'rate_limited':
        await deps.onTooManyRequests(answer.retryAfterMs);
        throw Worker.RateLimitError();
      case 'retry':
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
  return (job: Job) => (deps.activity ? deps.activity.during(() => run(job)) : run(job));
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
  return i === -1 ? null : ((JSON.parse(batch.body.toString('utf8')) as BatchEmail[])[i] ?? null);
}

// A batch's emails are ~100 near-identical HTML documents: compressed, the stored request is ~20× smaller.
// Compressed on the thread pool: ~3 MB a batch would hold up every other batch on this thread. The head and the body
// go in as two writes: joined first, they would cost a fresh 3 MB copy a batch.
async function pack(pending: PendingBatch): Promise<Buffer> {
  const clock = stageClock();
  const head = clock.time('pack', () => Buffer.from(`${JSON.stringify({ key: pending.key, recipients: pending.recipients })}\n`));
  return clock.wait('pack_wait', deflateRawParts([head, pending.body], { level: 1, chunkSize: 256 * 1024 }));
}

function deflateRawParts(parts: readonly Uint8Array[], options: ZlibOptions): Promise<Buffer> {
  return buffer(Readable.from(parts).pipe(createDeflateRaw(options)));
}

function unpack(stored: Buffer): PendingBatch {
  const raw = inflateRawSync(stored);
  const cut = raw.indexOf(0x0a); // JSON never holds a raw newline: the head ends at the first one
  if (cut === -1) {
    // Stored before requests were serialised once: { key, recipients, emails } in one JSON document.
    const old = JSON.parse(raw.toString('utf8')) as { emails: BatchEmail[] };
    return { ...pendingHeadSchema.parse(old), emails: old.emails, body: batchRequestBody(old.emails) };
  }
  return { ...pendingHeadSchema.parse(JSON.parse(raw.subarray(0, cut).toString('utf8'))), body: raw.subarray(cut + 1) };
}

/**
 * Decide who is in the request and compose each email; readers who left or have nothing new are settled here. Only
 * the composing takes a turn at the gate: a batch reads while another composes, and stores while the next one does.
 */
async function prepare(
  deps: SendBatchDeps & { candidatePool: CandidatePoolCache },
  data: SendBatchJob,
  composing: Gate,
): Promise<{ pending: PendingBatch; skipped: number }> {
  const clock = stageClock();
  const reads = await readBatch(deps.db, data, deps.candidatePool);
  // A transport that sends the body as is never reads the emails: not kept while the batch waits its turn (~3 MB).
  const keepEmails = !deps.transport.sendsPreparedBody;
  const { ready, settled, stored, body, emails } = await composing.run(() => composeFromReads(deps, data, reads, { keepEmails }));
  await clock.wait(
    'finish_wait',
    Promise.all([saveSentBriefings(deps, stored), finishDeliveries(deps.db, data.edition_id, data.batch_id, settled, deps.now())]),
  );
  const key = await batchIdempotencyKey(
    data.edition_id,
    ready.map((r) => r.subscriber_id),
  );
  return { pending: { key, recipients: ready, emails: emails ?? undefined, body }, skipped: settled.length };
}
