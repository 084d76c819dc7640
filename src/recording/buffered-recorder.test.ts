import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReaderEvent } from '../contracts';
import { createFileSpill } from './file-spill';
import { createBufferedRecorder } from './buffered-recorder';
import { memoryLogger } from '../../test/helpers';

function click(n: number): ReaderEvent {
  return {
    type: 'click',
    subscriber_id: 'sub_1',
    edition_id: 'ed_1',
    article_id: `a${n}`,
    kind: 'article',
    position: n,
    url: `https://news.example/${n}`,
    at: new Date(1_790_000_000_000 + n).toISOString(),
    method: 'GET',
    user_agent: 'test',
    ip: null,
    seconds_since_send: 60,
    suspected_bot: false,
    bot_reasons: [],
  };
}

/** A storage that can be switched off, like a Redis that goes away and comes back. */
function switchableStore() {
  const stored: ReaderEvent[] = [];
  const batches: number[] = [];
  const state = { up: true };
  return {
    stored,
    batches,
    state,
    store: async (events: ReaderEvent[]) => {
      await new Promise((r) => setTimeout(r, 1));
      if (!state.up) throw new Error('connection refused');
      batches.push(events.length);
      stored.push(...events);
    },
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidings-spill-'));
  dirs.push(dir);
  return dir;
};

describe('the buffered recorder', () => {
  it('returns at once from record and stores events in batches, in order', async () => {
    const s = switchableStore();
    const recorder = createBufferedRecorder({ store: s.store, log: memoryLogger(), batchSize: 100 });
    for (let i = 0; i < 1000; i++) recorder.record(click(i));
    expect(s.stored).toHaveLength(0); // nothing waited on storage
    await recorder.flush();
    expect(s.stored.map((e) => e.position)).toEqual([...Array(1000).keys()]);
    expect(s.batches.length).toBeLessThan(1000);
    expect(Math.max(...s.batches)).toBe(100);
    expect(recorder.stats()).toMatchObject({ recorded: 1000, pending: 0, failed: 0 });
  });

  it('with a linger, gathers events that arrive close together into one batch', async () => {
    const s = switchableStore();
    const recorder = createBufferedRecorder({ store: s.store, log: memoryLogger(), lingerMs: 30 });
    recorder.record(click(0));
    await new Promise((r) => setTimeout(r, 5));
    for (let i = 1; i < 10; i++) recorder.record(click(i));
    await recorder.flush();
    expect(s.batches).toEqual([10]);
  });

  it('spills to a file while storage is away and replays every event, in order, when it returns', async () => {
    const s = switchableStore();
    const dir = tempDir();
    const log = memoryLogger();
    const recorder = createBufferedRecorder({ store: s.store, log, spill: createFileSpill(dir, log), recoverEveryMs: 20 });
    recorder.record(click(0));
    await recorder.flush();
    s.state.up = false;
    for (let i = 1; i < 300; i++) recorder.record(click(i));
    await recorder.flush();
    expect(recorder.stats()).toMatchObject({ spilling: true, spilled: 299, failed: 0 });
    expect(readdirSync(dir)).toEqual([`events-${process.pid}.jsonl`]);
    s.state.up = true;
    await expect.poll(() => recorder.stats().spilling, { timeout: 5000 }).toBe(false);
    recorder.record(click(300));
    await recorder.flush();
    expect(s.stored.map((e) => e.position)).toEqual([...Array(301).keys()]);
    expect(recorder.stats()).toMatchObject({ recorded: 301, replayed: 299, spilled: 0, failed: 0 });
    expect(readdirSync(dir)).toEqual([]);
    expect(log.lines.some((l) => l.level === 'warn' && /spilling/.test(l.msg ?? ''))).toBe(true);
    recorder.close();
  });

  it('replays a spill left by an earlier run as soon as it starts', async () => {
    const dir = tempDir();
    const log = memoryLogger();
    await createFileSpill(dir, log).append([click(1), click(2)]);
    const s = switchableStore();
    const recorder = createBufferedRecorder({ store: s.store, log, spill: createFileSpill(dir, log) });
    recorder.record(click(3));
    await recorder.flush();
    expect(s.stored.map((e) => e.position)).toEqual([1, 2, 3]);
  });

  it('without a spill, retries a failed batch and then counts and logs it as lost', async () => {
    const s = switchableStore();
    s.state.up = false;
    const log = memoryLogger();
    const recorder = createBufferedRecorder({ store: s.store, log, retryDelaysMs: [5, 5] });
    recorder.record(click(1));
    await recorder.flush();
    expect(recorder.stats()).toMatchObject({ recorded: 0, failed: 1 });
    expect(log.lines.find((l) => l.level === 'error')).toMatchObject({
      msg: expect.stringMatching(/lost: storage still failed after 3 attempts/),
      obj: { lost: 1 },
    });
  });

  it('without a spill, a batch that succeeds on a retry is kept', async () => {
    const s = switchableStore();
    s.state.up = false;
    const recorder = createBufferedRecorder({ store: s.store, log: memoryLogger(), retryDelaysMs: [30, 30] });
    recorder.record(click(1));
    setTimeout(() => (s.state.up = true), 10);
    await recorder.flush();
    expect(recorder.stats()).toMatchObject({ recorded: 1, failed: 0 });
  });

  it('counts and logs events beyond its bound instead of growing without limit', async () => {
    const s = switchableStore();
    const log = memoryLogger();
    const recorder = createBufferedRecorder({ store: s.store, log, maxBuffered: 10, batchSize: 5 });
    for (let i = 0; i < 25; i++) recorder.record(click(i));
    await recorder.flush();
    expect(recorder.stats().failed).toBeGreaterThan(0);
    expect(recorder.stats().recorded + recorder.stats().failed).toBe(25);
    expect(log.lines.some((l) => l.level === 'error' && /buffer is full/.test(l.msg ?? ''))).toBe(true);
  });
});
