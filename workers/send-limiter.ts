// The send rate. Two parts: BullMQ's limiter decides how fast batches are taken up (a little faster than the
// provider allows, so the next batches are composed while earlier ones wait), and a pacer shared through
// Redis spaces the actual requests exactly at the provider's rate. Both start from SEND_RATE_LIMIT and follow
// the provider's ratelimit-* headers; a 429 pushes both back by its retry-after.
import type { Queue, Worker } from 'bullmq';
import type { Db } from '../src/store/keys';
import { scriptCommand } from '../src/store/script-command';
import type { RateLimitInfo } from './mail/transport';

/** Batches taken up per second, relative to the provider's request rate: the look-ahead that hides compose time. */
const TAKE_UP_FACTOR = 1.5;

export function takeUpLimit(requestsPerSecond: number): number {
  return Math.max(1, Math.ceil(requestsPerSecond * TAKE_UP_FACTOR));
}

// Reserve the next request slot: slots are 1000/rate ms apart, on Redis's clock so every worker process agrees.
const reserveSlot = scriptCommand<number>('reserve-send-slot');
// Move the next free slot to at least now + ms (after a 429).
const pushBackSlot = scriptCommand<number>('push-back-send-slot');

export interface SendPacer {
  /** Wait until this request may go. */
  wait(): Promise<void>;
  /** The provider's current request rate (per second), as configured or as its headers say. */
  rate(): number;
  follow(info: RateLimitInfo): void;
  pushBack(ms: number): Promise<void>;
}

export function createSendPacer(db: Db, configuredRate: number): SendPacer {
  let rate = configuredRate;
  return {
    async wait() {
      const ms = Number(await reserveSlot(db.redis, [db.keys.sendPacer], [String(1000 / rate)]));
      if (ms > 0) await new Promise((r) => setTimeout(r, ms));
    },
    rate: () => rate,
    follow(info) {
      if (info.limit !== null && info.limit > 0) rate = info.limit;
    },
    async pushBack(ms) {
      await pushBackSlot(db.redis, [db.keys.sendPacer], [String(Math.ceil(ms))]);
    },
  };
}

/** Follow the provider's headers: its stated limit becomes ours (BullMQ reads the worker's limiter on every fetch). */
export function adaptLimiter(worker: Worker, pacer: SendPacer, info: RateLimitInfo): void {
  pacer.follow(info);
  const limiter = worker.opts.limiter;
  const wanted = takeUpLimit(pacer.rate());
  if (limiter && limiter.max !== wanted) limiter.max = wanted;
}

/** A 429: no batch is taken up and no request goes until the provider's retry-after has passed. */
export async function backOff(queue: Queue, pacer: SendPacer, ms: number): Promise<void> {
  await Promise.all([queue.rateLimit(ms), pacer.pushBack(ms)]);
}
