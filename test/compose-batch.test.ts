// The batch sender's composing (workers/briefing/compose-batch.ts) gives every reader the very email one reader's
// path (composeBriefing) gives: same inputs, same bytes, whatever the reader has learned, muted or been sent.
import { afterEach, describe, expect, it } from 'vitest';
import { createFastBriefingRenderer } from '../emails/fast-briefing';
import { briefingHandle } from '../src/core/links/compact-links';
import { claimDeliveries, registerEdition } from '../src/store/deliveries';
import { sentBriefingOf } from '../src/store/sent-briefings';
import { getSubscribers, setSubscriberStatus } from '../src/store/subscribers';
import { followSource } from '../src/store/discovery';
import { createCandidatePoolCache } from '../workers/briefing/candidate-pool';
import { briefingHandleSync, composeBatch } from '../workers/briefing/compose-batch';
import { composeBriefing } from '../workers/briefing/compose-briefing';
import { batchRequestBody, type BatchEmail } from '../workers/mail/transport';
import { generateArticles, seedArticles } from './fixtures/articles';
import { createSubscribers, learnProfiles } from './fixtures/subscribers';
import { testEnv, type TestEnv } from './helpers';

let t: TestEnv | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const EDITION = 'morning-2026-11-23';
const sentAt = new Date('2026-11-23T06:00:00Z');

describe('composing a batch at once', () => {
  it('names a stored briefing as briefingHandle does', async () => {
    for (const [edition, subscriber] of [
      [EDITION, 'sub_0000001'],
      ['welcome-x', 'sub_ü'],
    ] as const) {
      expect(briefingHandleSync(edition, subscriber)).toBe(await briefingHandle(edition, subscriber));
    }
  });

  it("gives each reader composeBriefing's email, with learned profiles, mutes, earlier sends and 500 candidates", async () => {
    t = testEnv();
    await seedArticles(t.db, sentAt);
    const pool = await generateArticles(t.db, 480, { now: sentAt, seed: 3 });
    const ids = await createSubscribers(t.db, 60, { timezone: (i) => ['UTC', 'Asia/Tokyo', 'America/New_York'][i % 3]! });
    await learnProfiles(t.db, ids, { ...pool, articleIds: pool.articleIds.slice(0, 60), now: sentAt, seed: 5 });
    await setSubscriberStatus(t.db, ids[2]!, 'unsubscribed');
    for (const [i, id] of ids.slice(0, 12).entries()) await followSource(t.db, id, pool.sources[i % pool.sources.length]!); // discovery's follows
    await registerEdition(t.db, EDITION, 'morning', sentAt);
    await claimDeliveries(t.db, EDITION, 'b1', ids, sentAt);

    const renderer = createFastBriefingRenderer();
    const deps = { config: t.config, db: t.db, signer: t.signer, renderer, candidatePool: createCandidatePoolCache() };
    const batch = await composeBatch(
      deps,
      { edition_id: EDITION, batch_id: 'b1', subscriber_ids: ids, sent_at: sentAt.getTime() },
      { keepEmails: true },
    );
    const emails = batch.emails!;
    expect(emails).toHaveLength(batch.ready.length);
    expect(batch.settled).toEqual([{ subscriberId: ids[2], status: 'skipped', reason: 'the subscriber is unsubscribed' }]);
    expect(batch.ready.map((r) => r.subscriber_id)).toEqual(ids.filter((_, i) => i !== 2));

    const subscribers = await getSubscribers(t.db, ids);
    for (const [i, composed] of batch.ready.entries()) {
      const reader = subscribers.find((s) => s?.id === composed.subscriber_id)!;
      const stored = await sentBriefingOf(t.db, EDITION, reader.id);
      const one = (await composeBriefing(t, reader, EDITION, sentAt))!; // the whole template, one reader at a time
      expect(emails[i]).toEqual({
        ...one.email,
        tags: [
          { name: 'edition', value: EDITION },
          { name: 'subscriber', value: reader.id },
        ],
      });
      expect(composed.article_ids).toEqual(one.articleIds);
      expect(composed.reasons).toEqual(one.reasons);
      // What "view in browser" reads is what composeBriefing stores.
      expect(stored).toEqual(await sentBriefingOf(t.db, EDITION, reader.id));
      expect(stored!.items.map((i) => i.article)).toEqual(one.articleIds);
    }
    // Learned profiles make briefings differ between readers.
    expect(new Set(batch.ready.map((r) => r.article_ids.join())).size).toBeGreaterThan(20);

    // The request written from each email's template segments as it was rendered is the very bytes of the emails
    // serialised whole.
    expect(batch.body.equals(Buffer.from(JSON.stringify(JSON.parse(batchRequestBody(emails).toString('utf8')))))).toBe(true);
    expect(batch.body.equals(batchRequestBody(emails))).toBe(true);
    // Without keepEmails the same request is written and no email is kept (ids[2] left: four emails).
    const lean = await composeBatch(
      deps,
      { edition_id: EDITION, batch_id: 'b1', subscriber_ids: ids.slice(0, 5), sent_at: sentAt.getTime() },
      { keepEmails: false },
    );
    expect(lean.emails).toBeNull();
    expect(lean.ready.map((r) => r.subscriber_id)).toEqual([ids[0], ids[1], ids[3], ids[4]]);
    expect(lean.body.equals(batchRequestBody(emails.slice(0, 4)))).toBe(true);
  });

  it('writes a request from template segments byte for byte as JSON.stringify writes it', () => {
    // Quotes, backslashes, control characters, non-Latin-1 text and a surrogate pair, in literals and in values,
    // with missing optional fields and an email given whole.
    const literal = 'a "quoted" \\ back\\slash, a tab\t, “curly”, \u200b and 😀 in a literal long enough to be remembered';
    const segments = [literal, 'https://x.test/c/AbC?q="1"', '\n', '— value 😀 —', literal];
    const emails: BatchEmail[] = [
      {
        from: 'Tidings <t@x.test>',
        to: ['a@x.test'],
        subject: 'Über “this”',
        html: segments.join(''),
        text: 'line\nline',
        headers: { 'X-A': '1' },
      },
      { to: ['b@x.test'], subject: 's', html: segments.join(''), text: 't' } as BatchEmail,
      {
        from: 'f@x.test',
        to: ['c@x.test'],
        subject: 'whole',
        html: '<p>\u00e9</p>',
        text: '',
        tags: [{ name: 'k', value: 'v' }],
      } as BatchEmail,
    ];
    const body = batchRequestBody(emails, [segments, segments, undefined]);
    expect(body.toString('utf8')).toBe(batchRequestBody(emails).toString('utf8'));
    expect(body.equals(batchRequestBody(emails))).toBe(true);
    expect(batchRequestBody(emails, [segments, segments, undefined]).equals(body)).toBe(true); // remembered literals
  });
});
