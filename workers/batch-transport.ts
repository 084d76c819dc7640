// Sending a batch of up to 100 emails: Resend's batch API when RESEND_API_KEY is set, the dev outbox otherwise.
// Every answer is turned into one of four outcomes the sender acts on; nothing here retries by itself.
import { Resend } from 'resend';
import type { OutgoingEmail } from '../src/contracts';
import type { Config } from '../src/env';
import type { Db } from '../src/store/keys';
import { pushOutbox } from '../src/store/outbox';

export interface RateLimitInfo {
  limit: number | null;
  remaining: number | null;
  /** Milliseconds until the provider's window resets. */
  resetMs: number | null;
}

export type EmailResult = { ok: true; id: string } | { ok: false; reason: string };

export type BatchOutcome =
  /** The provider took the batch; one result per email, in order (a refused email carries its reason). */
  | { kind: 'accepted'; results: EmailResult[] }
  /** 429: not processed; wait this long, then the same batch may go again. */
  | { kind: 'rate_limited'; retryAfterMs: number; reason: string }
  /** 5xx, network error, timeout, a concurrent request with the same key: try again later. */
  | { kind: 'retry'; reason: string; mayHaveBeenProcessed: boolean }
  /** 4xx: the provider refused the whole batch; retrying cannot help. */
  | { kind: 'refused'; reason: string };

export type BatchResult = BatchOutcome & { rateLimit: RateLimitInfo | null };

export interface BatchEmail extends OutgoingEmail {
  tags?: Array<{ name: string; value: string }>;
}

export interface BatchTransport {
  readonly name: 'resend' | 'dev-outbox';
  send(emails: readonly BatchEmail[], idempotencyKey: string): Promise<BatchResult>;
}

/** How long one batch request may take before it counts as a network failure. */
const REQUEST_TIMEOUT_MS = 30_000;

export function createBatchTransport(config: Config, db: Db, now: () => Date, options: { timeoutMs?: number } = {}): BatchTransport {
  if (config.RESEND_API_KEY === undefined) return devOutboxBatchTransport(db, now);
  const resend = new Resend(config.RESEND_API_KEY, config.RESEND_BASE_URL ? { baseUrl: config.RESEND_BASE_URL } : undefined);
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  return {
    name: 'resend',
    async send(emails, idempotencyKey) {
      const response = await resend.batch.send(
        emails.map((e) => ({ from: e.from, to: e.to, subject: e.subject, html: e.html, text: e.text, headers: e.headers, tags: e.tags })),
        { idempotencyKey, batchValidation: 'permissive', signal: AbortSignal.timeout(timeoutMs) },
      );
      const rateLimit = readRateLimit(response.headers);
      if (response.error === null) {
        const refused = new Map((response.data.errors ?? []).map((e) => [e.index, e.message]));
        const ids = response.data.data.map((d) => d.id);
        let next = 0;
        const results: EmailResult[] = emails.map((_, index) => {
          const reason = refused.get(index);
          if (reason !== undefined) return { ok: false, reason: `Resend refused this email: ${reason}` };
          const id = ids[next++];
          return id ? { ok: true, id } : { ok: false, reason: 'Resend accepted the batch but returned no id for this email' };
        });
        return { kind: 'accepted', results, rateLimit };
      }
      const { statusCode, name, message } = response.error;
      const reason = `Resend answered ${statusCode ?? 'nothing'} ${name}: ${message}`;
      if (statusCode === 429) {
        const retryAfter = Number(response.headers?.['retry-after']);
        const retryAfterMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : (rateLimit?.resetMs ?? 1000);
        return { kind: 'rate_limited', retryAfterMs, reason, rateLimit };
      }
      if (statusCode === null) return { kind: 'retry', reason, mayHaveBeenProcessed: true, rateLimit };
      if (statusCode >= 500 || name === 'concurrent_idempotent_requests') return { kind: 'retry', reason, mayHaveBeenProcessed: true, rateLimit };
      return { kind: 'refused', reason, rateLimit };
    },
  };
}

/** The dev outbox honours idempotency keys too, so a retried batch is captured once. */
function devOutboxBatchTransport(db: Db, now: () => Date): BatchTransport {
  return {
    name: 'dev-outbox',
    async send(emails, idempotencyKey) {
      const seenKey = db.keys.outboxBatch(idempotencyKey);
      const seen = await db.redis.get(seenKey);
      if (seen) return { kind: 'accepted', results: JSON.parse(seen) as EmailResult[], rateLimit: null };
      const results: EmailResult[] = [];
      for (const email of emails) {
        const { tags: _tags, ...message } = email;
        results.push({ ok: true, id: (await pushOutbox(db, message, now())).id });
      }
      await db.redis.set(seenKey, JSON.stringify(results), 'EX', 24 * 3600);
      return { kind: 'accepted', results, rateLimit: null };
    },
  };
}

function readRateLimit(headers: Record<string, string> | null): RateLimitInfo | null {
  if (!headers) return null;
  const num = (name: string) => {
    const value = headers[name];
    if (value === undefined) return null;
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  };
  const limit = num('ratelimit-limit');
  const remaining = num('ratelimit-remaining');
  const reset = num('ratelimit-reset');
  if (limit === null && remaining === null && reset === null) return null;
  return { limit, remaining, resetMs: reset === null ? null : reset * 1000 };
}
