// `npm run bench:home`: the signed-in reader's pages under load — `/` (latest briefing) and `/briefings/:edition` —
// served by the Node host over HTTP, with 10,000 subscribers and 90 days of editions in Redis. Readers with an
// archive: --archived (default 2,000; each holds 90 briefings of 10 articles; every reader's lookups are O(1), so
// the others only add Redis memory). --concurrency (default 1: the latency one reader sees; higher values measure
// queueing on this machine's cores too). Prints JSON on the last line: {"home_p50_ms","home_p95_ms","edition_p95_ms", …}.
// Goal: p95 ≤ 50 ms.
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app';
import { openBenchServices } from './bench/bench-services';
import { createBufferedRecorder } from '../src/recording/buffered-recorder';
import { appendEvents } from '../src/store/events';
import { saveArticles } from '../src/store/articles';
import { saveSiteSession } from '../src/store/auth';
import { addReaderBriefing } from '../src/store/reader-briefings';
import { SESSION_COOKIE } from '../src/routes/auth/http';
import { createSubscribers } from '../test/fixtures/subscribers';
import type { Article } from '../src/contracts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const subscribers = arg('subscribers', 10_000);
const archived = Math.min(subscribers, arg('archived', 2_000));
const days = arg('days', 90);
const requests = arg('requests', 2_000);
const concurrency = arg('concurrency', 1);

const bench = await openBenchServices('home');
const { config, services } = bench;
const { db } = services;
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

function percentile(sorted: number[], p: number): number {
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(2));
}

async function signedCookie(value: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(config.SESSION_SECRET),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(value)));
  return `${SESSION_COOKIE}=${encodeURIComponent(`${value}.${btoa(String.fromCharCode(...mac))}`)}`;
}

/** Run `total` requests, `concurrency` at a time; latency of each in ms. */
async function load(total: number, make: (i: number) => { url: string; cookie: string }): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const { url, cookie } = make(next++);
        const started = performance.now();
        const response = await fetch(url, { headers: { cookie } });
        const body = await response.text();
        times.push(performance.now() - started);
        if (response.status !== 200 || !body.includes('class="article"'))
          throw new Error(`${url} answered ${response.status}: ${body.slice(0, 200)}`);
      }
    }),
  );
  return times.sort((a, b) => a - b);
}

let server: ReturnType<typeof serve> | undefined;
try {
  const base = Date.parse('2026-12-01T07:00:00Z');
  const articles: Article[] = Array.from({ length: 600 }, (_, i) => ({
    id: `art_bench${String(i).padStart(5, '0')}`,
    url: `https://news.example/story-${i}`,
    title: `Story ${i}: what changed in the systems people rely on, and why it matters this week`,
    summary: 'A summary of a couple of sentences, as feeds give them, long enough to wrap on a phone and say what the article is about.',
    source: ['tidings-engineering', 'field-notes', 'the-wire'][i % 3]!,
    topics: ['infrastructure', 'ranking'],
    author: null,
    published_at: new Date(base - i * 3_600_000).toISOString(),
    content_type: 'news',
  }));
  await saveArticles(db, articles);
  const ids = await createSubscribers(db, subscribers);
  log(`${subscribers} subscribers; writing ${days} days of briefings for ${archived} of them`);
  const editions = Array.from({ length: days }, (_, d) => ({
    edition: `morning-${new Date(base - d * 86_400_000).toISOString().slice(0, 10)}`,
    sent_at: base - d * 86_400_000,
  }));
  const editionTx = db.redis.pipeline();
  for (const e of editions)
    editionTx
      .zadd(db.keys.editions, e.sent_at, e.edition)
      .hset(
        db.keys.edition(e.edition),
        'created_at',
        new Date(e.sent_at).toISOString(),
        'planned',
        String(subscribers),
        'sent',
        String(subscribers),
      );
  await editionTx.exec();
  for (let r = 0; r < archived; r += 50) {
    const tx = db.redis.multi();
    for (let k = r; k < Math.min(archived, r + 50); k++) {
      for (const [d, e] of editions.entries()) {
        const items = Array.from({ length: 10 }, (_, j) => ({
          id: articles[(k + d * 7 + j * 13) % articles.length]!.id,
          reasons: j < 2 ? ['because you read about infrastructure'] : [],
        }));
        addReaderBriefing(tx, db, ids[k]!, { edition: e.edition, sent_at: e.sent_at, items });
      }
    }
    await tx.exec();
  }
  const cookies: string[] = [];
  for (let k = 0; k < archived; k++) {
    const sid = `benchsession${k}`;
    await saveSiteSession(
      db,
      sid,
      {
        user_id: `user${k}`,
        email: `reader${k}@example.com`,
        provider: 'builtin',
        access_token: 'a',
        refresh_token: 'r',
        expires_at: 0,
        created_at: Date.now(),
      },
      3600,
    );
    cookies.push(await signedCookie(sid));
  }
  const recorder = createBufferedRecorder({ store: (events) => appendEvents(db, events), log: services.log });
  const app = createApp({ config, db, signer: services.signer, recorder, log: services.log, now: () => new Date() });
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(info.port));
  });
  const url = `http://127.0.0.1:${port}`;
  const pick = (i: number) => (i * 7919) % archived;
  await load(200, (i) => ({ url: `${url}/`, cookie: cookies[pick(i)]! })); // warm-up
  log(`timing ${requests} requests of each page, ${concurrency} at a time`);
  const home = await load(requests, (i) => ({ url: `${url}/`, cookie: cookies[pick(i)]! }));
  const edition = await load(requests, (i) => ({
    url: `${url}/briefings/${editions[(i * 31) % days]!.edition}`,
    cookie: cookies[pick(i)]!,
  }));
  const result = {
    home_p50_ms: percentile(home, 50),
    home_p95_ms: percentile(home, 95),
    edition_p50_ms: percentile(edition, 50),
    edition_p95_ms: percentile(edition, 95),
    subscribers,
    readers_with_archive: archived,
    days,
    requests,
    concurrency,
  };
  console.log(JSON.stringify(result));
} finally {
  server?.close();
  await bench.close();
}
