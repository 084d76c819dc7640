// `tidings sources` and `tidings rank` as an operator runs them: real processes, real Redis.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { feedsFromOpml, opmlFromFeeds } from '../src/core/discovery/opml';
import { saveSuggestion } from '../src/store/discovery';
import { startLocalWeb, type LocalWeb } from './fixtures/local-web';
import { saveArticles } from '../src/store/articles';
import { getSource } from '../src/store/sources';
import { ensureSubscriber } from '../src/store/subscribers';
import { openQueues, pollSchedulerId } from '../workers/queues';
import { testEnv, type TestEnv } from './helpers';

const BIN = new URL('../bin/tidings.js', import.meta.url).pathname;
const SAMPLE = new URL('../samples/rank-input.jsonl', import.meta.url).pathname;
const run = promisify(execFile);

let t: TestEnv;
let web: LocalWeb;
beforeAll(async () => {
  web = await startLocalWeb();
});
afterAll(() => web.close());
beforeEach(() => {
  t = testEnv();
});
afterEach(() => t.cleanup());

async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)));
  await new Promise((r) => server.close(r));
  return port;
}

async function tidings(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...t.env } as Record<string, string>;
  const child = run(process.execPath, [BIN, ...args], { env });
  if (input !== undefined) {
    child.child.stdin!.end(input);
  }
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('tidings sources', () => {
  it('adds a source from its page, with a default content type and a polling schedule, lists it, and removes it', async () => {
    const added = await tidings(['sources', 'add', `${web.kube.origin}/`, '--content-type', 'news']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(
      new RegExp(
        `^Found RSS feed "Kube Weekly" at ${web.kube.origin}/feed.xml \\(announced by the page\\): 10 items, newest \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\.\n`,
      ),
    );
    expect(added.stdout).toContain('Added source 127-0-0-1-feed');
    expect(await getSource(t.db, '127-0-0-1-feed')).toMatchObject({
      default_content_type: 'news',
      url: `${web.kube.origin}/feed.xml`,
      title: 'Kube Weekly',
    });
    const queues = openQueues(t.queueConnection, t.config.QUEUE_PREFIX);
    try {
      const schedulers = await queues.ingest.getJobSchedulers(0, -1);
      expect(schedulers.find((s) => s.key === pollSchedulerId('127-0-0-1-feed'))).toMatchObject({ every: 60 * 60_000 });

      const again = await tidings(['sources', 'add', `${web.kube.origin}/feed.xml`]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('already exists');

      const list = await tidings(['sources', 'list']);
      expect(list.stdout).toMatch(/^ID\s+URL\s+DEFAULT TYPE\s+POLLED EVERY\s+ENGAGED\s+HEALTH\n/);
      expect(list.stdout).toMatch(/127-0-0-1-feed\s+http:\/\/127\.0\.0\.1:\d+\/feed\.xml\s+news\s+60 min\s+not yet\s+not fetched yet/);

      expect((await tidings(['sources', 'rm', '127-0-0-1-feed'])).stdout).toContain('Removed source 127-0-0-1-feed');
      expect(await getSource(t.db, '127-0-0-1-feed')).toBeNull();
      expect((await queues.ingest.getJobSchedulers(0, -1)).some((s) => s.key === pollSchedulerId('127-0-0-1-feed'))).toBe(false);
      const missing = await tidings(['sources', 'rm', '127-0-0-1-feed']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('No source with id "127-0-0-1-feed"');
    } finally {
      await queues.close();
    }
  });

  it('adds nothing and exits 1 for an HTML page without a feed, an unreachable port, a host that does not exist', async () => {
    const page = await tidings(['sources', 'add', `${web.shop.origin}/`]);
    expect(page.code).toBe(1);
    expect(page.stderr).toMatch(/^Not added: http:\/\/127\.0\.0\.1:\d+\/ is an HTML page, not a feed: it announces no feed/);
    const port = await closedPort();
    const closed = await tidings(['sources', 'add', `http://127.0.0.1:${port}/feed.xml`]);
    expect(closed.code).toBe(1);
    expect(closed.stderr).toMatch(/^Not added: .*could not fetch the feed: .*ECONNREFUSED/);
    const nowhere = await tidings(['sources', 'add', 'http://no-such-host.invalid/feed.xml']);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toMatch(/^Not added: .*(ENOTFOUND|EAI_AGAIN)/);
    expect((await tidings(['sources', 'list', '--json'])).stdout).toBe('');
  });

  it('imports an OPML file (each feed fetched first, failures reported) and exports the sources as OPML', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidings-opml-'));
    try {
      const file = join(dir, 'in.opml');
      writeFileSync(
        file,
        opmlFromFeeds(
          [
            { url: `${web.kube.origin}/feed.xml`, title: 'Kube', site: null },
            { url: `${web.rust.origin}/`, title: 'Rust', site: null },
            { url: `${web.shop.origin}/`, title: 'Shop', site: null },
            { url: 'not a url', title: 'Broken', site: null },
          ],
          'mine',
          new Date(),
        ),
      );
      const imported = await tidings(['sources', 'import', file, '--content-type', 'post']);
      expect(imported.code).toBe(1);
      expect(imported.stdout).toContain('2 added, 2 failed, 0 already there.');
      // One outline's bad address is reported like any failed feed; the rest of the file is still read.
      expect(imported.stdout).toMatch(/✗ not a url: the URL must be/);
      expect(imported.stdout).toMatch(/✗ http:\/\/127\.0\.0\.1:\d+\/ is an HTML page, not a feed/);
      const exported = await tidings(['sources', 'export']);
      expect(exported.code).toBe(0);
      expect(
        feedsFromOpml(exported.stdout)
          .map((f) => f.url)
          .sort(),
      ).toEqual([`${web.kube.origin}/feed.xml`, `${web.rust.origin}/atom.xml`].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists suggestions as JSON lines best first, accepts one as a source and dismisses another', async () => {
    const base = {
      feed_url: '',
      title: '',
      score: 0,
      readers: 0,
      reason: '',
      interest: null,
      features: [],
      typed: true,
      found_via: 'test',
      kind: 'RSS',
      items: 10,
      newest: null,
      status: 'open' as const,
      at: new Date().toISOString(),
    };
    await saveSuggestion(t.db, {
      ...base,
      url: web.rust.origin,
      feed_url: `${web.rust.origin}/atom.xml`,
      title: 'The Rust Journal',
      score: 1.2,
      readers: 3,
      reason: '3 readers who read about rust would likely open 4 of its last 8 posts',
      source_id: 'rust-journal',
    });
    await saveSuggestion(t.db, {
      ...base,
      url: web.kube.origin,
      feed_url: `${web.kube.origin}/feed.xml`,
      title: 'Kube Weekly',
      score: 2.4,
      readers: 4,
      reason: '4 readers who read about kubernetes would likely open 6 of its last 10 posts',
      source_id: 'kube-weekly',
    });
    const json = await tidings(['sources', 'suggestions', '--json']);
    expect(json.code).toBe(0);
    const lines = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        url: web.kube.origin,
        feed_url: `${web.kube.origin}/feed.xml`,
        title: 'Kube Weekly',
        score: 2.4,
        readers: 4,
        reason: '4 readers who read about kubernetes would likely open 6 of its last 10 posts',
      },
      {
        url: web.rust.origin,
        feed_url: `${web.rust.origin}/atom.xml`,
        title: 'The Rust Journal',
        score: 1.2,
        readers: 3,
        reason: '3 readers who read about rust would likely open 4 of its last 8 posts',
      },
    ]);
    const accepted = await tidings(['sources', 'accept', web.kube.origin]);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(await getSource(t.db, 'kube-weekly')).toMatchObject({ url: `${web.kube.origin}/feed.xml`, title: 'Kube Weekly' });
    const dismissed = await tidings(['sources', 'dismiss', `${web.rust.origin}/atom.xml`]);
    expect(dismissed.stdout).toContain('will not be suggested again');
    expect((await tidings(['sources', 'suggestions', '--json'])).stdout).toBe('');
    const missing = await tidings(['sources', 'accept', 'https://nobody.example/']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No suggestion for https://nobody.example/');
  });

  it('runs one discovery round with `tidings discover` and prints a summary', async () => {
    const run = await tidings(['discover']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Discovery round for 0 readers:\n  search: off \(set SEARCH_URL/);
  });

  it('refuses a bad URL or content type, naming the option', async () => {
    const badUrl = await tidings(['sources', 'add', 'javascript:alert(1)']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('URL must be an http(s) feed URL');
    const badType = await tidings(['sources', 'add', 'https://a.example/feed', '--content-type', 'blog']);
    expect(badType.code).toBe(2);
    expect(badType.stderr).toContain('--content-type must be one of post, news');
  });
});

describe('tidings rank', () => {
  it('replays JSON lines statelessly and reports a bad line without stopping', async () => {
    const lines = readFileSync(SAMPLE, 'utf8').trim().split('\n');
    const result = await tidings(['rank', '--input', '-'], [lines[0], '{"id":"broken"}', lines[1]].join('\n'));
    expect(result.code).toBe(1);
    const out = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out.map((o) => o.id)).toEqual(['reader-a', 'new-reader']);
    expect(out[0].ranked[0]).toEqual({ id: expect.stringMatching(/^art_/), score: expect.any(Number), reasons: expect.any(Array) });
    expect(result.stderr).toMatch(/line 2 \(id broken\) skipped: now must be an ISO 8601 date-time/);
  });

  it('prints the ranked candidates for a subscriber with scores and reasons', async () => {
    const { subscriber } = await ensureSubscriber(t.db, { email: 'reader@example.com', topics: ['rust'] }, new Date());
    const now = new Date().toISOString();
    await saveArticles(t.db, [
      {
        id: 'a1',
        url: 'https://x.example/1',
        title: 'Rust in production',
        summary: '',
        source: 'the-wire',
        topics: ['rust'],
        author: null,
        published_at: now,
        content_type: 'post',
      },
      {
        id: 'a2',
        url: 'https://x.example/2',
        title: 'Runbook',
        summary: '',
        source: 'ops',
        topics: ['ops'],
        author: null,
        published_at: now,
        content_type: 'internal',
      },
    ]);
    const result = await tidings(['rank', '--subscriber', subscriber.id]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`1 of 2 candidates for reader@example.com (${subscriber.id})`);
    expect(result.stdout).toMatch(/ {2}1\. \d\.\d{4} {2}Rust in production {2}\[the-wire, post\]\n {7}you follow rust/);
    const missing = await tidings(['rank', '--subscriber', 'sub_nobody']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No subscriber with id "sub_nobody"');
  });
});
