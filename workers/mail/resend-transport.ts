// Resend as a mail transport: its email API for one email, its batch API for up to 100, each answer (and its
// ratelimit-* headers) turned into the outcomes the senders act on.
import { Resend } from 'resend';
import type { OutgoingEmail } from '../../src/contracts';
import type { BatchEmail, EmailResult, MailTransport, NotSent, RateLimitInfo } from './transport';

/** How long one request may take before it counts as a network failure. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface ResendTransportOptions {
  apiKey: string;
  /** Another Resend-speaking server (tests, benchmarks); Resend's own by default. */
  baseUrl?: string;
  timeoutMs?: number;
}

type ResendError = { statusCode: number | null; name: string; message: string };

export function resendTransport(options: ResendTransportOptions): MailTransport {
  const resend = new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : undefined);
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  return {
    name: 'resend',
    async sendOne(email, idempotencyKey) {
      const response = await resend.emails.send(message(email), { idempotencyKey, signal: AbortSignal.timeout(timeoutMs) });
      const rateLimit = readRateLimit(response.headers);
      if (response.error === null) return { kind: 'accepted', id: response.data.id, rateLimit };
      return { ...notSent(response.error, response.headers, rateLimit), rateLimit };
    },
    sendsPreparedBody: true,
    async sendBatch(batch, idempotencyKey) {
      const options = { idempotencyKey, batchValidation: 'permissive' as const, signal: AbortSignal.timeout(timeoutMs) };
      // A prepared body goes as is: the SDK spreads request options over the body it would serialise itself
      // (test/mail-transport.test.ts checks the provider receives these bytes), so it serialises an empty list instead.
      const prepared = 'body' in batch;
      const response = prepared
        ? await resend.batch.send([], { ...options, ...streamedBody(batch.body) } as typeof options)
        : await resend.batch.send(batch.map(message), options);
      const count = prepared ? batch.count : batch.length;
      const rateLimit = readRateLimit(response.headers);
      if (response.error !== null) return { ...notSent(response.error, response.headers, rateLimit), rateLimit };
      const refused = new Map((response.data.errors ?? []).map((e) => [e.index, e.message]));
      const ids = response.data.data.map((d) => d.id);
      let next = 0;
      const results: EmailResult[] = Array.from({ length: count }, (_, index) => {
        const reason = refused.get(index);
        if (reason !== undefined) return { ok: false, reason: `Resend refused this email: ${reason}` };
        const id = ids[next++];
        return id ? { ok: true, id } : { ok: false, reason: 'Resend accepted the batch but returned no id for this email' };
      });
      return { kind: 'accepted', results, rateLimit };
    },
  };
}

/**
 * A prepared body as fetch options: a one-chunk stream with its length. Given the bytes themselves, fetch copies them
 * before sending (3.4 MB a batch: ~2.5% of the composing thread, and as much buffer memory again while in flight); a
 * stream is written as it is. What goes on the wire is the same: Content-Length and the bytes, never chunked
 * (test/mail-transport.test.ts checks the framing the provider receives).
 */
function streamedBody(bytes: Uint8Array) {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  return { body, duplex: 'half' as const, headers: { 'Content-Length': String(bytes.byteLength) } };
}

function message(e: OutgoingEmail | BatchEmail) {
  return {
    from: e.from,
    to: e.to,
    subject: e.subject,
    html: e.html,
    text: e.text,
    headers: e.headers,
    ...('tags' in e && e.tags ? { tags: e.tags } : {}),
  };
}

/** What an error answer means for the sender: wait (429), try again (5xx, no answer, a concurrent retry), or give up (4xx). */
function notSent(error: ResendError, headers: Record<string, string> | null, rateLimit: RateLimitInfo | null): NotSent {
  const { statusCode, name } = error;
  const reason = `Resend answered ${statusCode ?? 'nothing'} ${name}: ${error.message}`;
  if (statusCode === 429) {
    const retryAfter = Number(headers?.['retry-after']);
    const retryAfterMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : (rateLimit?.resetMs ?? 1000);
    return { kind: 'rate_limited', retryAfterMs, reason };
  }
  if (statusCode === null || statusCode >= 500 || name === 'concurrent_idempotent_requests')
    return { kind: 'retry', reason, mayHaveBeenProcessed: true };
  return { kind: 'refused', reason };
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
