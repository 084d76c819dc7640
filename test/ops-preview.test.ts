// Previews that tell the truth: for a sent edition, "preview for reader X" is byte for byte what X received,
// except that its links act for nobody (an operator's click must never count as the reader's).
import { afterEach, describe, expect, it } from 'vitest';
import { mountNodeOps } from '../node/ops-routes';
import { putSchedule } from '../src/store/schedules';
import { listOutbox } from '../src/store/outbox';
import { listEditions } from '../src/store/deliveries';
import { openQueues, queueNames, type Queues } from '../workers/queues';
import { startTestWorkers } from './fixtures/workers';
import { seedArticles } from './fixtures/articles';
import { createSubscribers } from './fixtures/subscribers';
import { testApp, testEnv, type TestEnv } from './helpers';

let t: TestEnv | undefined;
let queues: Queues | undefined;
afterEach(async () => {
  await queues?.close();
  await t?.cleanup();
  t = queues = undefined;
});

describe('previews of an edition', () => {
  it('show each reader of a sent edition exactly the email they received, and say what an unsent one is', async () => {
    t = testEnv();
    await seedArticles(t.db);
    await createSubscribers(t.db, 30);
    await putSchedule(t.db, { name: 'morning', cron: '0 7 * * *', tz: 'UTC' }, t.now());
    const workers = await startTestWorkers(t);
    try {
      await workers.queues.planEdition.add(
        queueNames.planEdition,
        { schedule: 'morning', at: Date.now(), now: true },
        { jobId: 'plan__preview-test' },
      );
      const deadline = Date.now() + 30_000;
      while ((await listOutbox(t.db, 100)).length < 30) {
        if (Date.now() > deadline) throw new Error('the edition was not sent');
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await workers.close();
    }
    const [edition] = await listEditions(t.db, 1);
    const sent = await listOutbox(t.db, 100);
    const { app, recorder } = testApp(t);
    queues = openQueues(t.queueConnection, t.config.QUEUE_PREFIX);
    mountNodeOps(app, { config: t.config, db: t.db, signer: t.signer, recorder, log: t.log, now: t.now }, queues);
    const auth = { authorization: `Bearer ${t.config.OPERATOR_TOKEN}` };
    const base = t.config.PUBLIC_BASE_URL;
    const readerLinks = new RegExp(`${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(c|a|preferences|v|l)/`);
    const linkFree = (html: string) => html.replace(/href="[^"]*"/g, 'href=""');
    const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
    /** Where each link of the sent email should go in the preview: an article's own address, or the inert page. */
    const expectedHref = async (href: string) => {
      const tracked = /\/c\/([^"/?#]+)$/.exec(href);
      if (tracked) {
        const verified = await t!.signer.verify(tracked[1]!);
        if (verified.ok && verified.payload.kind === 'article') return verified.payload.url.replace(/&/g, '&amp;');
      }
      return readerLinks.test(href) ? `${base}/ops/preview/inert-link` : href;
    };

    // Random readers: after sending, their "already sent" articles changed, so composing afresh would differ.
    const picks = [...sent].sort(() => Math.random() - 0.5).slice(0, 5);
    for (const message of picks) {
      const reader = message.to[0]!;
      const html = await (
        await app.request(`/ops/preview/html?edition=${encodeURIComponent(edition!.id)}&reader=${encodeURIComponent(reader)}`, {
          headers: auth,
        })
      ).text();
      expect(linkFree(html), reader).toBe(linkFree(message.html));
      expect(html).not.toMatch(readerLinks);
      // Each article link opens the article itself, as the reader's tracked link would after its redirect.
      expect(hrefs(html)).toEqual(await Promise.all(hrefs(message.html).map(expectedHref)));
      const page = await (
        await app.request(`/ops/preview?edition=${encodeURIComponent(edition!.id)}&reader=${encodeURIComponent(reader)}`, { headers: auth })
      ).text();
      expect(page).toContain(`Exactly what ${reader} received in edition ${edition!.id}`);
    }

    // "Send a test" sends that same email to the tester.
    const reader = picks[0]!.to[0]!;
    const test = await app.request('/ops/test-send', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ edition: edition!.id, reader, to: 'operator@example.com' }).toString(),
    });
    expect(test.status).toBe(200);
    const [copy] = await listOutbox(t.db, 1);
    expect(copy).toMatchObject({ to: ['operator@example.com'], subject: `[Test] ${picks[0]!.subject}` });
    expect(linkFree(copy!.html)).toBe(linkFree(picks[0]!.html));
    expect(copy!.html + copy!.text).not.toMatch(readerLinks);
    // No one-click unsubscribe that would unsubscribe the reader from the tester's mailbox.
    expect(picks[0]!.headers['List-Unsubscribe']).toBeDefined();
    expect(Object.keys(copy!.headers).filter((h) => /^list-unsubscribe/i.test(h))).toEqual([]);
    // A link that acts in the reader's email explains itself to the operator.
    const inert = await app.request('/ops/preview/inert-link', { headers: auth });
    expect(await inert.text()).toContain('This link does nothing here');

    // An edition not sent to this reader: what they would get now, and the page says so.
    const unsent = await (
      await app.request(`/ops/preview?edition=tomorrow&reader=${encodeURIComponent(reader)}`, { headers: auth })
    ).text();
    expect(unsent).toMatch(/Not sent to .+ yet\. This is what they would get if it were composed now\.|Nothing new for/);
  }, 60_000);
});
