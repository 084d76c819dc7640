// The click judge: reads the events stream through its own consumer group and passes every click through
// its edition's window (store/click-window.ts), marking bursts and honeypot hits. It used to run inside the
// edge's write, once per click; here it runs in batches, off the redirect's path (docs/links-and-clicks.md).
// The learner judges a click only after this group has passed it (judgedUpTo).
import { hostname } from 'node:os';
import type { ReaderEvent } from '../src/contracts';
import type { Logger } from '../src/core/logger';
import { judgeClicks } from '../src/store/click-window';
import { entryEvent } from '../src/store/events';
import type { Db } from '../src/store/keys';
import { groupIsPast, groupPositions } from '../src/store/streams';
import { ackEntries, consumerConnection, createGroupReader, ensureGroup, groupLoop } from './stream-group';

const JUDGE_GROUP = 'judge';
const BATCH = 1000;

export interface JudgeOptions {
  consumer?: string;
  /** XREADGROUP BLOCK in ms; null reads without blocking (tests, one-shot runs). */
  blockMs?: number | null;
  claimIdleMs?: number;
  /** Wait between batches while this is true (an edition being sent by this process): see send-activity.ts. */
  giveWayWhile?: () => boolean;
}

export function ensureJudgeGroup(db: Db): Promise<void> {
  return ensureGroup(db.redis, db.keys.eventStreams, JUDGE_GROUP);
}

/** One judge: `runBatch` judges what is available; `start` loops until `close`. */
export function createClickJudge(deps: { db: Db; log: Logger }, options: JudgeOptions = {}) {
  const redis = consumerConnection(deps.db.redis);
  const db: Db = { redis, keys: deps.db.keys };
  const reader = createGroupReader({
    redis,
    streams: db.keys.eventStreams,
    group: JUDGE_GROUP,
    consumer: options.consumer ?? `judge-${hostname()}`,
    batch: BATCH,
    claimIdleMs: options.claimIdleMs ?? 60_000,
  });

  /** Judge one batch; entries are acknowledged only after their clicks are in the window. */
  async function runBatch(blockMs: number | null = null): Promise<{ read: number; clicks: number }> {
    const entries = await reader.read(blockMs);
    if (entries.length === 0) return { read: 0, clicks: 0 };
    const events: ReaderEvent[] = [];
    for (const [, fields] of entries) {
      // Entries that break the event contract are the learner's to report; here they are simply not clicks.
      const event = entryEvent(fields);
      if (event) events.push(event);
    }
    const clicks = await judgeClicks(db, events);
    await ackEntries(redis, JUDGE_GROUP, entries);
    return { read: entries.length, clicks };
  }

  const blockMs = options.blockMs === undefined ? 2000 : options.blockMs;
  const loop = groupLoop({
    redis,
    reader,
    ensure: () => ensureJudgeGroup(db),
    batch: async () => {
      await runBatch(blockMs);
      return 0;
    },
    log: deps.log,
    name: 'click judge',
    giveWayWhile: options.giveWayWhile,
  });
  return { runBatch, start: loop.start, close: loop.close };
}

export type ClickJudge = ReturnType<typeof createClickJudge>;

/**
 * Which stream entries has the judge finished with? Those up to its last delivered entry, except any it
 * still holds pending. Without a judge group (a learner run on its own) nothing is held back.
 */
export async function judgedUpTo(db: Db, streams: readonly string[]): Promise<(stream: string, entryId: string) => boolean> {
  const judges = new Map(
    await Promise.all(
      [...new Set(streams)].map(
        async (stream) => [stream, (await groupPositions(db.redis, stream)).find((g) => g.name === JUDGE_GROUP)] as const,
      ),
    ),
  );
  return (stream, entryId) => {
    const judge = judges.get(stream);
    return judge ? groupIsPast(judge, entryId) : true;
  };
}
