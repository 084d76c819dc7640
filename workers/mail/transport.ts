// Where mail goes, one email or a batch of up to 100: Resend when RESEND_API_KEY is set, the dev outbox otherwise.
// One interface, two implementations (listmonk's "messenger"). Every answer is one of four outcomes the caller
// acts on; nothing here retries by itself.
import type { OutgoingEmail } from '../../src/contracts';
import type { Config } from '../../src/env';
import type { Db } from '../../src/store/keys';
import { devOutboxTransport } from './dev-outbox-transport';
import { JsonBytes } from './json-bytes';
import { resendTransport } from './resend-transport';

export interface RateLimitInfo {
  limit: number | null;
  remaining: number | null;
  /** Milliseconds until the provider's window resets. */
  resetMs: number | null;
}

export type EmailResult = { ok: true; id: string } | { ok: false; reason: string };

/** Why nothing was sent, and what may be done about it. */
export type NotSent =
  /** 429: not processed; wait this long, then the same request may go again. */
  | { kind: 'rate_limited'; retryAfterMs: number; reason: string }
  /** 5xx, network error, timeout, a concurrent request with the same key: try again later. */
  | { kind: 'retry'; reason: string; mayHaveBeenProcessed: boolean }
  /** 4xx: the provider refused the request; retrying cannot help. */
  | { kind: 'refused'; reason: string };

/** One email: the provider took it (with its message id), or did not. */
export type SendOutcome = { kind: 'accepted'; id: string } | NotSent;
/** A batch: the provider took it, with one result per email in order (a refused email carries its reason), or did not. */
export type BatchOutcome = { kind: 'accepted'; results: EmailResult[] } | NotSent;

export type SendResult = SendOutcome & { rateLimit: RateLimitInfo | null };
export type BatchResult = BatchOutcome & { rateLimit: RateLimitInfo | null };

export interface BatchEmail extends OutgoingEmail {
  tags?: Array<{ name: string; value: string }>;
}

export interface MailTransport {
  readonly name: 'resend' | 'dev-outbox';
  /** Send one email (a sign-in link, an operator's test). */
  sendOne(email: OutgoingEmail, idempotencyKey: string): Promise<SendResult>;
  /**
   * Send up to 100 emails in one request (a batch of an edition); a retry with the same key sends nothing twice.
   * A prepared batch is the request body already serialised by batchRequestBody: sent as is, so a batch is
   * serialised once (for storing and sending alike) and a retry sends the very bytes the provider saw.
   */
  sendBatch(batch: readonly BatchEmail[] | PreparedBatch, idempotencyKey: string): Promise<BatchResult>;
  /** Does this transport send a prepared body as it is? Otherwise it is given the emails (parsed back when needed). */
  readonly sendsPreparedBody: boolean;
}

/** A batch serialised by batchRequestBody: its bytes and how many emails they hold. */
export interface PreparedBatch {
  body: Uint8Array;
  count: number;
}

export interface MailTransportOptions {
  /** How long one request may take before it counts as a network failure (default 30 s). */
  timeoutMs?: number;
}

export function createMailTransport(config: Config, db: Db, now: () => Date, options: MailTransportOptions = {}): MailTransport {
  if (config.RESEND_API_KEY === undefined) return devOutboxTransport(db, now);
  return resendTransport({ apiKey: config.RESEND_API_KEY, baseUrl: config.RESEND_BASE_URL, timeoutMs: options.timeoutMs });
}

/** The fields of one email in the order Resend's SDK writes them. */
const inSdkOrder = (e: BatchEmail) => ({
  from: e.from,
  headers: e.headers,
  html: e.html,
  subject: e.subject,
  tags: e.tags,
  text: e.text,
  to: e.to,
});

/**
 * A batch request's body as the provider's batch API takes it (UTF-8 JSON, fields in the order Resend's SDK writes
 * them). `htmlSegments[i]`, when given, is email i's html in template segments (RenderedEmail.htmlSegments): written
 * piece by piece (json-bytes.ts), the same bytes without building the batch's JSON as one string.
 */
export function batchRequestBody(emails: readonly BatchEmail[], htmlSegments?: ReadonlyArray<readonly string[] | undefined>): Buffer {
  if (!htmlSegments) return utf8Bytes(JSON.stringify(emails.map(inSdkOrder)));
  const writer = new BatchRequestWriter();
  emails.forEach((e, i) => writer.addEmail(e, htmlSegments[i]));
  return writer.finish();
}

/**
 * batchRequestBody written one email at a time, as each is composed. A batch's rendered strings then die young:
 * held until the whole batch was composed, they outlived two minor collections and were promoted, and the old
 * generation grew by ~7 MB a batch between major collections (most of the worker's peak memory).
 */
export class BatchRequestWriter {
  private readonly out = new JsonBytes().raw('[');
  private written = 0;

  addEmail(email: BatchEmail, htmlSegments?: readonly string[]): void {
    if (this.written++ > 0) this.out.raw(',');
    if (!htmlSegments) {
      this.out.raw(JSON.stringify(inSdkOrder(email)));
      return;
    }
    // Written in pieces: a string joined from them would be copied once more when written.
    const before = JSON.stringify({ from: email.from, headers: email.headers });
    const after = JSON.stringify({ subject: email.subject, tags: email.tags, text: email.text, to: email.to });
    if (before === '{}') this.out.raw('{"html":');
    else this.out.raw(before.slice(0, -1)).raw(',"html":');
    this.out.templatedString(htmlSegments);
    if (after === '{}') this.out.raw('}');
    else this.out.raw(',').raw(after.slice(1));
  }

  /** The body: `[` the emails added `]`. */
  finish(): Buffer {
    return this.out.raw(']').toBuffer();
  }
}

/** UTF-8 bytes of a long string: measuring then writing is several times faster than Buffer.from for megabytes of text. */
export function utf8Bytes(text: string): Buffer {
  const bytes = Buffer.allocUnsafe(Buffer.byteLength(text));
  bytes.write(text);
  return bytes;
}
