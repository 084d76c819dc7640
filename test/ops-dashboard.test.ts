// The operator surfaces: sign-in, the dashboard's figures, and the Node-only board, metrics, preview and test send.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mountNodeOps } from '../node/ops-routes';
import { appendEvents } from '../src/store/events';
import { claimDeliveries, finishDeliveries, markPlanningDone, registerEdition } from '../src/store/deliveries';
import { listOutbox } from '../src/store/outbox';
import { openQueues, type Queues } from '../workers/queues';
import { createClickJudge, ensureJudgeGroup } from '../workers/judge-clicks';
import type { ReaderEventInput } from '../src/contracts';
import { readerEventSchema } from '../src/contracts';
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

const click = (subscriber: string, article: string, bot = false): ReaderEventInput => ({
  type: 'click',
  subscriber_id: subscriber,
  edition_id: 'morning-2026-11-23',
  article_id: article,
  kind: 'article',
  position: 0,
  url: 'https://example.com/a',
  at: '2026-11-23T07:10:00.000Z',
  suspected_bot: bot,
  bot_reasons: bot ? ['head_request'] : [],
});

async function signIn(app: ReturnType<typeof testApp>['app'], token: string): Promise<string> {
  const response = await app.request('/ops/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://tidings.test' },
    body: new URLSearchParams({ token, next: '/ops' }).toString(),
  });
  expect(response.status).toBe(303);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

describe('the operator dashboard', () => {
  it('asks for the operator token, then shows sent, failed, clicks, unique clickers, click-through and automated clicks apart', async () => {
    t = testEnv();
    const { app } = testApp(t);
    const ids = await createSubscribers(t.db, 4);
    await registerEdition(t.db, 'morning-2026-11-23', 'morning', t.now());
    await claimDeliveries(t.db, 'morning-2026-11-23', 'b1', ids, t.now());
    await markPlanningDone(t.db, 'morning-2026-11-23');
    await finishDeliveries(
      t.db,
      'morning-2026-11-23',
      'b1',
      [
        { subscriberId: ids[0]!, status: 'sent', messageId: 'm0' },
        { subscriberId: ids[1]!, status: 'sent', messageId: 'm1' },
        { subscriberId: ids[2]!, status: 'sent', messageId: 'm2' },
        { subscriberId: ids[3]!, status: 'failed', reason: 'Invalid `to` field' },
      ],
      t.now(),
    );
    await ensureJudgeGroup(t.db);
    await appendEvents(
      t.db,
      [click(ids[0]!, 'art-1'), click(ids[0]!, 'art-1'), click(ids[1]!, 'art-2'), click(ids[2]!, 'art-1', true)].map((e) =>
        readerEventSchema.parse(e),
      ),
    );
    // A scanner at the third reader's gateway opens four more stories in the same second: a burst, which
    // no single entry shows but the click judge marks.
    await appendEvents(
      t.db,
      ['art-3', 'art-4', 'art-5', 'art-6'].map((a) => readerEventSchema.parse(click(ids[2]!, a))),
    );
    const judge = createClickJudge({ db: t.db, log: t.log }, { consumer: 'judge-test' });
    await judge.runBatch(null);
    await judge.close();

    const anonymous = await app.request('/ops');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/ops/login?next=%2Fops');
    const refused = await app.request('/ops/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://tidings.test' },
      body: 'token=wrong',
    });
    expect(refused.status).toBe(401);
    expect(await refused.text()).toMatch(/not the operator token/);

    const cookie = await signIn(app, t.config.OPERATOR_TOKEN);
    const page = await (await app.request('/ops', { headers: { cookie } })).text();
    const row = page.slice(page.indexOf('<table id="editions"'));
    // sent 3, failed 1, bounced 0, complained 0, rates 0, human clicks 3, unique clickers 2, click-through 2/3, automated 1 + the burst's 4
    expect(row).toMatch(
      /<td>done<\/td><td>3<\/td><td>1<\/td><td>0<\/td><td>0<\/td><td>0\.0%<\/td><td>0\.0%<\/td><td>3<\/td><td>2<\/td><td>66\.7%<\/td><td class="muted">5<\/td>/,
    );
    // The articles people clicked, most first, each a link to its page.
    expect(page).toMatch(
      /<a href="\/ops\/articles\/art-1">art-1<\/a><\/td><td>—<\/td><td>2<\/td>[\s\S]*<a href="\/ops\/articles\/art-2">art-2<\/a><\/td><td>—<\/td><td>1<\/td>/,
    );
    // Both charts are drawn, with the edition's figures in them.
    expect(page).toContain('<title>morning-2026-11-23: human clicks 3</title>');
    expect(page).toContain('<title>morning-2026-11-23: 66.7%</title>');
    const detail = await (await app.request('/ops/editions/morning-2026-11-23', { headers: { cookie } })).text();
    expect(detail).toContain('Invalid `to` field');
    // One reader clicked art-1 twice: two clicks, one reader, and click-through counts the reader (1 of 3 sent), not the clicks.
    expect(detail).toMatch(/<a href="\/ops\/articles\/art-1">art-1<\/a><\/td><td>—<\/td><td>2<\/td><td>1<\/td><td>33\.3%<\/td>/);
  });
});

describe('the Node operator tools', () => {
  it('serve the BullMQ board, Prometheus metrics, a preview for a reader and a test send, all behind the token', async () => {
    t = testEnv();
    await seedArticles(t.db);
    await createSubscribers(t.db, 1);
    await registerEdition(t.db, 'morning-2026-11-23', 'morning', t.now());
    const { app } = testApp(t);
    queues = openQueues(t.queueConnection, t.config.QUEUE_PREFIX);
    mountNodeOps(app, { config: t.config, db: t.db, signer: t.signer, recorder: testApp(t).recorder, log: t.log, now: t.now }, queues);
    const auth = { authorization: `Bearer ${t.config.OPERATOR_TOKEN}` };

    expect((await app.request('/metrics')).status).toBe(401);
    const metrics = await (await app.request('/metrics', { headers: auth })).text();
    expect(metrics).toMatch(/tidings_queue_jobs\{queue="send-batch",state="waiting"\} 0/);
    expect(metrics).toMatch(/tidings_edition_deliveries\{edition="morning-2026-11-23",status="planned"\} 0/);
    expect(metrics).toMatch(/tidings_queue_lag_seconds\{queue="send-batch"\} 0/);
    expect(metrics).toMatch(/tidings_emails\{outcome="sent"\} 0/);
    expect(metrics).toMatch(/tidings_clicks\{by="person"\} 0/);
    expect(metrics).toMatch(/tidings_clicks\{by="automated"\} 0/);
    expect(metrics).toContain('# TYPE tidings_redirect_seconds histogram');

    expect((await app.request('/ops/queues')).status).toBe(303);
    const board = await app.request('/ops/queues', { headers: auth });
    expect(board.status).toBe(200);
    expect(await board.text()).toMatch(/<div id="root">/);
    const api = (await (
      await app.request('/ops/queues/api/queues?activeQueue=send-batch&status=latest&page=1', { headers: auth })
    ).json()) as { queues: Array<{ name: string }> };
    expect(api.queues.map((q) => q.name).sort()).toEqual(['ingest', 'plan-edition', 'plan-polling', 'send-batch']);

    const preview = await (
      await app.request('/ops/preview?edition=morning-2026-11-23&reader=reader0@example.com', { headers: auth })
    ).text();
    expect(preview).toMatch(/<h1>Your briefing: .+, and 9 more<\/h1>/);
    expect((await app.request('/ops/preview?edition=x&reader=nobody@example.com', { headers: auth })).status).toBe(404);

    const sent = await app.request('/ops/test-send', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'edition=morning-2026-11-23&reader=reader0%40example.com&to=operator%40example.com',
    });
    expect(sent.status).toBe(200);
    const [message] = await listOutbox(t.db);
    expect(message).toMatchObject({ to: ['operator@example.com'], subject: expect.stringMatching(/^\[Test\] Your briefing: /) });
  });

  it('keeps BullMQ and the workers out of the edge app (it runs on Cloudflare Workers)', () => {
    const seen = new Set<string>();
    const offending: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const [, spec] of source.matchAll(/(?:import|export)[^'"]*?from\s+'([^']+)'/g)) {
        if (spec === 'bullmq' || spec!.startsWith('@bull-board') || spec === 'prom-client' || spec!.startsWith('node:'))
          offending.push(`${file} → ${spec}`);
        if (!spec!.startsWith('.')) continue;
        const base = resolve(dirname(file), spec!);
        if (base.includes('/workers/')) offending.push(`${file} → ${spec}`);
        for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`]) {
          try {
            if (readFileSync(candidate) && /\.tsx?$/.test(candidate)) {
              visit(candidate);
              break;
            }
          } catch {
            // not this candidate
          }
        }
      }
    };
    visit(resolve(__dirname, '../src/worker.ts'));
    expect(seen.size).toBeGreaterThan(10);
    expect(offending).toEqual([]);
  });
});
