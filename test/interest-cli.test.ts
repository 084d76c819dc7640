// `tidings sources` and `tidings rank` as an operator runs them: real processes, real Redis.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveArticles } from '../src/store/articles';
import { getSource } from '../src/store/sources';
import { ensureSubscriber } from '../src/store/subscribers';
import { openQueues, pollSchedulerId } from '../workers/queues';
import { testEnv, type TestEnv } from './helpers';

const BIN = new URL('../bin/tidings.js', import.meta.url).pathname;
const SAMPLE = new URL('../samples/rank-input.jsonl', import.meta.url).pathname;
const run = promisify(execFile);

let t: TestEnv;
beforeEach(() => {
  t = testEnv();
});
afterEach(() => t.cleanup());

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
  it('adds a source with a default content type and a polling schedule, lists it, and removes it', async () => {
    const added = await tidings(['sources', 'add', 'https://blog.example.com/feed.xml', '--content-type', 'news']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('Added source blog-example-com-feed');
    expect(await getSource(t.db, 'blog-example-com-feed')).toMatchObject({
      default_content_type: 'news',
      url: 'https://blog.example.com/feed.xml',
    });
    const queues = openQueues(t.queueConnection, t.config.QUEUE_PREFIX);
    try {
      const schedulers = await queues.ingest.getJobSchedulers(0, -1);
      expect(schedulers.find((s) => s.key === pollSchedulerId('blog-example-com-feed'))).toMatchObject({ every: 60 * 60_000 });

      const again = await tidings(['sources', 'add', 'https://blog.example.com/feed.xml']);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('already exists');

      const list = await tidings(['sources', 'list']);
      expect(list.stdout).toMatch(/^ID\s+URL\s+DEFAULT TYPE\s+POLLED EVERY\s+ENGAGED\s+HEALTH\n/);
      expect(list.stdout).toMatch(
        /blog-example-com-feed\s+https:\/\/blog\.example\.com\/feed\.xml\s+news\s+60 min\s+not yet\s+not fetched yet/,
      );

      expect((await tidings(['sources', 'rm', 'blog-example-com-feed'])).stdout).toContain('Removed source blog-example-com-feed');
      expect(await getSource(t.db, 'blog-example-com-feed')).toBeNull();
      expect((await queues.ingest.getJobSchedulers(0, -1)).some((s) => s.key === pollSchedulerId('blog-example-com-feed'))).toBe(false);
      const missing = await tidings(['sources', 'rm', 'blog-example-com-feed']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('No source with id "blog-example-com-feed"');
    } finally {
      await queues.close();
    }
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
