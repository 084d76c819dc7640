// The dev outbox as a mail transport: mail is kept in Redis and shown at /dev/outbox, so Tidings runs offline.
import type { Db } from '../../src/store/keys';
import { pushOutbox } from '../../src/store/outbox';
import type { BatchEmail, EmailResult, MailTransport } from './transport';

/** How long the outbox remembers a batch's idempotency key (as Resend does). */
const BATCH_KEY_TTL_SECONDS = 24 * 3600;

export function devOutboxTransport(db: Db, now: () => Date): MailTransport {
  return {
    name: 'dev-outbox',
    async sendOne(email) {
      const message = await pushOutbox(db, email, now());
      return { kind: 'accepted', id: message.id, rateLimit: null };
    },
    // Batches honour idempotency keys too, so a retried batch is captured once.
    sendsPreparedBody: false,
    async sendBatch(batch, idempotencyKey) {
      const emails = 'body' in batch ? (JSON.parse(Buffer.from(batch.body).toString('utf8')) as BatchEmail[]) : batch;
      const seenKey = db.keys.outboxBatch(idempotencyKey);
      const seen = await db.redis.get(seenKey);
      if (seen) return { kind: 'accepted', results: JSON.parse(seen) as EmailResult[], rateLimit: null };
      const results: EmailResult[] = [];
      for (const email of emails) {
        const { tags: _tags, ...message } = email;
        results.push({ ok: true, id: (await pushOutbox(db, message, now())).id });
      }
      await db.redis.set(seenKey, JSON.stringify(results), 'EX', BATCH_KEY_TTL_SECONDS);
      return { kind: 'accepted', results, rateLimit: null };
    },
  };
}
