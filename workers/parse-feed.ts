// Feed parsing off the thread that serves requests: a few worker threads, each feed with a time budget.
// The feed library spends seconds on some hostile documents (96 KB of "<p" took ~10 s in its own tag
// stripping); on its own thread that costs one feed its fetch, never the edge app or the other feeds.
import { Worker } from 'node:worker_threads';
import type { Source } from '../src/contracts';
import { FeedParseError, readFeed, type ItemVerdict } from '../src/core/feeds/feed-items';
import type { Logger } from '../src/core/logger';

/** Every item's verdict and the feed's own title, or why the document could not be read. */
export type ParseOutcome = { ok: true; title: string; verdicts: ItemVerdict[] } | { ok: false; reason: string };

export interface ParseTask {
  id: number;
  body: string;
  source: Pick<Source, 'id' | 'default_content_type'>;
  nowMs: number;
}

export interface FeedParser {
  /** Every item's verdict, or why the document could not be read (not a feed, over the budget). */
  parse(body: string, source: Pick<Source, 'id' | 'default_content_type'>, nowMs: number): Promise<ParseOutcome>;
  close(): Promise<void>;
}

export interface FeedParserOptions {
  threads: number;
  /** How long one document may take once a thread has it (FEED_PARSE_TIMEOUT_MS). */
  budgetMs: number;
  log: Logger;
}

const THREAD_ENTRY = new URL('./parse-feed-thread.mjs', import.meta.url);

interface Slot {
  worker: Promise<Worker> | null;
  busy: boolean;
}

interface Queued {
  task: ParseTask;
  resolve: (outcome: ParseOutcome) => void;
}

/** A pool of parsing threads, started on first use; a thread over its budget is stopped and replaced. */
export function createFeedParser(options: FeedParserOptions): FeedParser {
  const slots: Slot[] = Array.from({ length: Math.max(1, options.threads) }, () => ({ worker: null, busy: false }));
  const queue: Queued[] = [];
  let nextId = 1;
  let closed = false;
  // One thread starts now, so the first feed does not wait for it (and a failure to start is seen early).
  slots[0]!.worker = startThread(options.log);
  slots[0]!.worker.catch((error: Error) => {
    slots[0]!.worker = null;
    options.log.warn({ err: error.message }, 'feed-parsing thread did not start; trying again with the next feed');
  });

  const pump = () => {
    for (const slot of slots) {
      if (slot.busy || queue.length === 0) continue;
      const queued = queue.shift()!;
      slot.busy = true;
      void runOn(slot, queued.task).then((outcome) => {
        slot.busy = false;
        queued.resolve(outcome);
        pump();
      });
    }
  };

  const runOn = async (slot: Slot, task: ParseTask): Promise<ParseOutcome> => {
    let worker: Worker;
    try {
      worker = await (slot.worker ??= startThread(options.log));
    } catch (error) {
      slot.worker = null;
      return { ok: false, reason: `could not start a feed-parsing thread: ${error instanceof Error ? error.message : String(error)}` };
    }
    return new Promise<ParseOutcome>((resolve) => {
      const done = (outcome: ParseOutcome, retire: boolean) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        if (retire) {
          slot.worker = null;
          void worker.terminate();
        }
        resolve(outcome);
      };
      const onMessage = (message: { id?: number; outcome?: ParseOutcome }) => {
        if (message.id === task.id && message.outcome) done(message.outcome, false);
      };
      const onExit = (code: number) =>
        done({ ok: false, reason: `the feed-parsing thread stopped (exit code ${code}) while reading this feed` }, true);
      // The thread is ready, so from here on the time is this document's own, not start-up or queueing.
      const timer = setTimeout(
        () =>
          done(
            {
              ok: false,
              reason: `reading the feed took longer than ${options.budgetMs} ms (FEED_PARSE_TIMEOUT_MS) and was stopped; the document may be hostile or unusually large`,
            },
            true,
          ),
        options.budgetMs,
      );
      worker.on('message', onMessage);
      worker.once('exit', onExit);
      worker.postMessage(task);
    });
  };

  return {
    parse(body, source, nowMs) {
      if (closed) return Promise.resolve({ ok: false, reason: 'the feed parser is shutting down' });
      return new Promise((resolve) => {
        queue.push({
          task: { id: nextId++, body, source: { id: source.id, default_content_type: source.default_content_type }, nowMs },
          resolve,
        });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const queued of queue.splice(0)) queued.resolve({ ok: false, reason: 'the feed parser is shutting down' });
      await Promise.all(slots.map(async (slot) => (await slot.worker?.catch(() => null))?.terminate()));
    },
  };
}

/** Start one thread and wait until it has loaded the parsing code. */
function startThread(log: Logger): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(THREAD_ENTRY);
    // An idle parsing thread must not keep the process alive after everything else has stopped.
    worker.unref();
    // Without a listener, an error in the thread would be rethrown in the thread that serves requests.
    worker.on('error', (error) => log.warn({ err: error.message }, 'feed-parsing thread failed'));
    const onExit = (code: number) => reject(new Error(`the thread exited with code ${code} while starting`));
    worker.once('exit', onExit);
    worker.once('message', (message: { ready?: boolean }) => {
      worker.off('exit', onExit);
      if (message.ready) resolve(worker);
      else reject(new Error('the thread did not report ready'));
    });
  });
}

/** Read one document into verdicts; every failure, expected or not, becomes a reason for the source. */
export async function readOutcome(body: string, source: Pick<Source, 'id' | 'default_content_type'>, nowMs: number): Promise<ParseOutcome> {
  try {
    return { ok: true, ...(await readFeed(body, source, { nowMs })) };
  } catch (error) {
    return {
      ok: false,
      reason:
        error instanceof FeedParseError
          ? error.message
          : `could not read the feed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/**
 * The same reading on the calling thread, without a budget: for the shipped sample feeds and test
 * fixtures, whose documents are known. Feeds from the network go through createFeedParser.
 */
export const inlineFeedParser: FeedParser = { parse: readOutcome, close: async () => {} };
