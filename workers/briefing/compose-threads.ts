// Compose threads: a worker process composes its batches on SEND_COMPOSE_THREADS threads, so composing (ranking,
// signing, rendering, serialising: nearly all of a briefing's CPU) uses every core while the main thread keeps
// taking up jobs, talking to the provider and finishing deliveries. The thread composes with the very function the
// main thread would (composeOnThisThread), so a batch's bytes do not depend on where it was composed; what makes
// sending exactly-once (the stored request, the idempotency key) stays on the main thread, unchanged.
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../src/core/logger';
import type { Config } from '../../src/env';
import type { RedisEndpoint } from '../../src/store/connection';
import type { SendBatchJob } from '../queues';
import { stageClock } from '../send-stages';
import type { BatchComposer, ComposedRequest } from './compose-request';
import type { ComposeThreadData, ComposeThreadReply } from './compose-thread';

const THREAD_ENTRY = new URL('./compose-thread.mjs', import.meta.url);

export interface ComposeThreadsOptions {
  threads: number;
  config: Config;
  /** The Redis (or cluster) the worker uses: each thread opens its own connection to it. */
  endpoint: RedisEndpoint;
  log: Logger;
}

export interface ComposeThreads {
  compose: BatchComposer;
  close(): Promise<void>;
}

interface Waiting {
  resolve: (request: ComposedRequest) => void;
  reject: (error: Error) => void;
}

interface Slot {
  /** Resolves once the thread has loaded and said it is ready. */
  thread: Promise<Worker> | null;
  waiting: Map<number, Waiting>;
}

export function createComposeThreads(options: ComposeThreadsOptions): ComposeThreads {
  const slots: Slot[] = Array.from({ length: Math.max(1, options.threads) }, () => ({ thread: null, waiting: new Map() }));
  let nextId = 1;
  let closed = false;

  const start = (slot: Slot): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(THREAD_ENTRY, {
        workerData: { config: options.config, endpoint: options.endpoint } satisfies ComposeThreadData,
      });
      worker.on('message', (reply: ComposeThreadReply) => {
        if ('ready' in reply) return resolve(worker);
        const waiting = slot.waiting.get(reply.id);
        if (!waiting) return;
        slot.waiting.delete(reply.id);
        if (!reply.ok) return waiting.reject(new Error(reply.error));
        stageClock().merge(reply.stages);
        const body = reply.result.body;
        waiting.resolve({ ...reply.result, body: Buffer.from(body.buffer, body.byteOffset, body.byteLength) });
      });
      // A thread that dies takes its batches with it: they fail here and BullMQ retries them (the stored request,
      // if one was written, is what the retry sends). The next batch starts a new thread.
      const stopped = (why: string) => {
        slot.thread = null;
        reject(new Error(why));
        for (const waiting of slot.waiting.values()) waiting.reject(new Error(why));
        slot.waiting.clear();
        if (!closed) options.log.warn({ reason: why }, 'compose thread stopped; the next batch starts another');
      };
      worker.on('error', (error) => stopped(`compose thread failed: ${error.message}`));
      worker.on('exit', (code) => stopped(`compose thread exited with code ${code}`));
    });

  for (const slot of slots) {
    slot.thread = start(slot);
    slot.thread.catch(() => {}); // reported by `stopped`; a batch sent to this slot starts it again
  }

  return {
    async compose(job: SendBatchJob): Promise<ComposedRequest> {
      if (closed) throw new Error('compose threads are closed');
      // The thread with the fewest batches in hand: batches wait on Redis inside a thread, so each holds several.
      const slot = slots.reduce((best, s) => (s.waiting.size < best.waiting.size ? s : best));
      const thread = await (slot.thread ??= start(slot));
      const id = nextId++;
      return new Promise<ComposedRequest>((resolve, reject) => {
        slot.waiting.set(id, { resolve, reject });
        thread.postMessage({ id, job });
      });
    },
    async close() {
      closed = true;
      await Promise.all(
        slots.map(async (slot) => {
          const thread = await slot.thread?.catch(() => null);
          await thread?.terminate();
        }),
      );
    },
  };
}
