// One mail transport for one email and for batches, in both its implementations: Resend's API (through the
// local Resend server) and the dev outbox. Every answer is an outcome the sender acts on.
import { afterEach, describe, expect, it } from 'vitest';
import type { OutgoingEmail } from '../src/contracts';
import { listOutbox } from '../src/store/outbox';
import { batchRequestBody, createMailTransport } from '../workers/mail/transport';
import { FakeResend } from './fixtures/resend-server';
import { testEnv, type TestEnv } from './helpers';

let t: TestEnv | undefined;
let resend: FakeResend | undefined;
afterEach(async () => {
  await resend?.close();
  await t?.cleanup();
  t = resend = undefined;
});

const email = (to: string): OutgoingEmail => ({
  from: 'Tidings <briefing@example.com>',
  to: [to],
  subject: `Hello ${to}`,
  html: '<p>Hello</p>',
  text: 'Hello',
  headers: {},
});

describe('the mail transport', () => {
  it('sends one email or a batch through Resend, and tells waiting, retrying and giving up apart', async () => {
    resend = new FakeResend({ rateLimit: 50, firstFaults: 2, invalidDomain: 'invalid.test' });
    t = testEnv({ RESEND_API_KEY: 're_test_key', RESEND_BASE_URL: await resend.start() });
    const transport = createMailTransport(t.config, t.db, t.now);
    expect(transport.name).toBe('resend');

    // The local server answers its first two requests with a 429 and a 500.
    expect(await transport.sendOne(email('one@example.com'), 'one')).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 1000,
      rateLimit: { limit: 50 },
    });
    expect(await transport.sendOne(email('one@example.com'), 'one')).toMatchObject({
      kind: 'retry',
      reason: expect.stringMatching(/^Resend answered 500/),
    });
    const sent = await transport.sendOne(email('one@example.com'), 'one');
    expect(sent).toEqual({ kind: 'accepted', id: resend.accepted.at(-1)!.id, rateLimit: expect.objectContaining({ limit: 50 }) });
    // The same key again is answered as before, and nothing new reaches the reader.
    expect(await transport.sendOne(email('one@example.com'), 'one')).toMatchObject({ kind: 'accepted', id: (sent as { id: string }).id });
    expect(resend.perRecipient.get('one@example.com')).toBe(1);
    expect(await transport.sendOne(email('nobody@invalid.test'), 'bad')).toMatchObject({
      kind: 'refused',
      reason: expect.stringMatching(/^Resend answered 422 validation_error: Invalid `to` field/),
    });

    const batch = await transport.sendBatch([email('a@example.com'), email('b@invalid.test'), email('c@example.com')], 'batch');
    expect(batch).toMatchObject({
      kind: 'accepted',
      results: [
        { ok: true, id: expect.any(String) },
        { ok: false, reason: expect.stringMatching(/^Resend refused this email: Invalid `to` field/) },
        { ok: true, id: expect.any(String) },
      ],
    });
    expect([...resend.perRecipient.keys()].sort()).toEqual(['a@example.com', 'c@example.com', 'one@example.com']);

    // A batch serialised once (batchRequestBody) reaches the provider as the very bytes the SDK would have sent:
    // sending the same emails the SDK's way under the same key is answered as a replay, not a conflicting request.
    const emails = [
      { ...email('x@example.com'), tags: [{ name: 'edition', value: 'e1' }] },
      { ...email('y@example.com'), subject: 'Ünïcode — “quotes” & <tags>' },
    ];
    const replays = resend.stats.replays;
    const body = batchRequestBody(emails);
    const prepared = await transport.sendBatch({ body, count: emails.length }, 'prepared');
    expect(prepared).toMatchObject({ kind: 'accepted', results: [{ ok: true }, { ok: true }] });
    // Sent from a stream, framed as the bytes themselves would be: a Content-Length, no chunked encoding.
    expect(resend.lastFraming).toEqual({ contentLength: body.byteLength, chunked: false });
    expect(resend.accepted.slice(-2).map((a) => [a.to, a.subject])).toEqual([
      ['x@example.com', emails[0]!.subject],
      ['y@example.com', emails[1]!.subject],
    ]);
    expect(await transport.sendBatch(emails, 'prepared')).toMatchObject({
      kind: 'accepted',
      results: (prepared as { results: unknown }).results,
    });
    expect(resend.stats).toMatchObject({ conflicts: 0, replays: replays + 1 });
  });

  it('keeps mail in the dev outbox without RESEND_API_KEY, and a retried batch only once', async () => {
    t = testEnv();
    const transport = createMailTransport(t.config, t.db, t.now);
    expect(transport.name).toBe('dev-outbox');
    const one = await transport.sendOne(email('one@example.com'), 'one');
    expect(one).toMatchObject({ kind: 'accepted', rateLimit: null });
    const first = await transport.sendBatch([email('a@example.com'), email('b@example.com')], 'batch');
    expect(await transport.sendBatch([email('a@example.com'), email('b@example.com')], 'batch')).toEqual(first);
    const outbox = await listOutbox(t.db);
    expect(outbox.map((m) => m.to[0]).sort()).toEqual(['a@example.com', 'b@example.com', 'one@example.com']);
    expect(outbox.map((m) => m.id)).toContain((one as { id: string }).id);
  });
});
