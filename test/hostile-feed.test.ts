// A hostile feed ingested by `tidings start` (edge app and workers in one process): the edge app keeps
// answering, and the feed fails with a reason the operator sees in `sources list`.
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../node/free-port';
import { getSourceState, saveSource } from '../src/store/sources';
import { openQueues } from '../workers/queues';
import { testEnv, type TestEnv } from './helpers';
import { tidings } from './fixtures/tidings-process';

// 96 KB of "<p" in one item: the old text reducer and the feed library's own tag stripping each spent
// seconds of the one thread on it, and /healthz waited 28.7 s.
const hostileFeed = JSON.stringify({
  version: 'https://jsonfeed.org/version/1.1',
  title: 'Hostile',
  items: [
    {
      id: '1',
      url: 'https://hostile.example/1',
      title: 'Hostile',
      content_text: '<p'.repeat(48_000),
      date_published: new Date().toISOString(),
      _tidings: { content_type: 'post' },
    },
  ],
});

/** One /healthz round trip in ms; a request cut off after 3 s counts as 3 s or more. */
async function healthLatency(port: number): Promise<number> {
  const started = performance.now();
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) });
    await response.text();
  } catch {
    // A timeout is the measurement: the edge app did not answer in time.
  }
  return performance.now() - started;
}

let t: TestEnv | undefined;
let app: ReturnType<typeof tidings> | undefined;
let feeds: Server | undefined;
afterEach(async () => {
  if (app && app.exitCode === null) {
    app.kill('SIGKILL');
    await app.exited;
  }
  feeds?.closeAllConnections();
  await new Promise((resolve) => (feeds ? feeds.close(resolve) : resolve(undefined)));
  await t?.cleanup();
  app = feeds = t = undefined;
});

describe('a hostile feed in the process that serves readers', () => {
  it('keeps /healthz answering fast while the feed is read, and fails the feed with a reason shown in sources list', async () => {
    feeds = createServer((_req, res) => void res.writeHead(200, { 'content-type': 'application/feed+json' }).end(hostileFeed));
    const feedPort = await freePort();
    await new Promise<void>((resolve) => feeds!.listen(feedPort, '127.0.0.1', resolve));
    t = testEnv();
    const port = await freePort();
    const env = {
      ...t.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      FEED_PARSE_TIMEOUT_MS: '2000',
    } as Record<string, string>;
    app = tidings(['start'], env);
    const deadline = Date.now() + 30_000;
    while (
      (await healthLatency(port)) >= 3000 ||
      !(await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > deadline) throw new Error(`tidings start did not answer: ${app.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    // What `tidings sources add` does, without starting one more process: save the source, queue its fetch.
    await saveSource(t.db, {
      id: 'hostile',
      url: `http://127.0.0.1:${feedPort}/feed.json`,
      title: 'Hostile',
      default_content_type: null,
      added_at: new Date().toISOString(),
    });
    const queues = openQueues(t.queueConnection, t.config.QUEUE_PREFIX);
    await queues.ingest.add('ingest', { source_id: 'hostile' }, { jobId: 'add__hostile' });
    await queues.close();

    // Ask every 100 ms until the fetch has failed (or 25 s pass): the slowest answer is what a reader saw.
    const latencies: number[] = [];
    const until = Date.now() + 25_000;
    while (Date.now() < until && !(await getSourceState(t.db, 'hostile')).last_error) {
      latencies.push(await healthLatency(port));
      await new Promise((r) => setTimeout(r, 100));
    }
    const state = await getSourceState(t.db, 'hostile');
    expect(state.last_error, app.output()).toMatch(/took longer than 2000 ms \(FEED_PARSE_TIMEOUT_MS\)/);
    expect(latencies.length).toBeGreaterThan(5);
    expect(Math.max(...latencies)).toBeLessThan(500);

    const list = tidings(['sources', 'list'], env);
    expect(await list.exited).toBe(0);
    expect(list.output()).toMatch(
      /hostile .*failing \(1x, next try [^)]+\): reading the feed took longer than 2000 ms \(FEED_PARSE_TIMEOUT_MS\)/,
    );
  }, 90_000);
});
