// How many batches one worker process composes at once. Composing is CPU work on the one JavaScript thread: batches
// composed side by side (SEND_CONCURRENCY of them) do not finish sooner, they interleave at every await, so each
// keeps its readers, pool views and half-built emails alive for as long as all of them take. One at a time, each is
// ready for the provider as soon as it can be, and the others wait holding only their reads: in bench:send, 30–60 MB
// less peak memory and no fewer emails a second (two at a time was measured too: no better). Reading a batch, storing
// its briefings, sending, pacing and finishing stay concurrent: the thread composes while they wait on Redis.
export const COMPOSE_AT_ONCE = 1;

export interface Gate {
  /** Run `task` when a slot is free; tasks wait in arrival order. */
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createGate(slots: number): Gate {
  let free = slots;
  const waiting: Array<() => void> = [];
  return {
    async run(task) {
      if (free > 0) free--;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else free++;
      }
    },
  };
}
