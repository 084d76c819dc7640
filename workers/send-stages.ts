// Where a worker's time goes while it sends, by stage, for `npm run bench:send` (SEND_STAGE_TIMING=true): cheap
// timers summed in memory and written to stdout once per batch as one line, `tidings-send-stages {json}`.
// Off (the default), every call is a plain pass-through: production pays one boolean test per stage.

/**
 * Stages in the order a briefing meets them. CPU stages are timed synchronous work; `*_wait` stages are waits.
 * Rendering and writing each email into the request happen between awaits, with other batches running inside them:
 * their cost comes from CPU profiles (`bench:send --profile`), not from these timers.
 */
export const sendStages = [
  'plan_wait',
  'read_wait',
  'parse_reads',
  'candidates',
  'rank',
  'store_briefings',
  'pack',
  'pack_wait',
  'provider_wait',
  'finish_wait',
  'bookkeeping',
] as const;
export type SendStage = (typeof sendStages)[number];

export interface StageClock {
  readonly enabled: boolean;
  /** Time synchronous work. */
  time<T>(stage: SendStage, work: () => T): T;
  /** Time an asynchronous step from start to answer (a wait: other batches run meanwhile). */
  wait<T>(stage: SendStage, work: Promise<T>): Promise<T>;
  add(stage: SendStage, ms: number): void;
  /** Briefings this batch composed (the denominator of ms per briefing). */
  composed(n: number): void;
  /** Write what was measured since the last flush. */
  flush(): void;
}

const off: StageClock = {
  enabled: false,
  time: (_, work) => work(),
  wait: (_, work) => work,
  add: () => {},
  composed: () => {},
  flush: () => {},
};

function createStageClock(write: (line: string) => void): StageClock {
  let ms: Partial<Record<SendStage, number>> = {};
  let briefings = 0;
  let cpu = process.cpuUsage();
  const add = (stage: SendStage, d: number) => {
    ms[stage] = (ms[stage] ?? 0) + d;
  };
  return {
    enabled: true,
    time(stage, work) {
      const start = performance.now();
      try {
        return work();
      } finally {
        add(stage, performance.now() - start);
      }
    },
    async wait(stage, work) {
      const start = performance.now();
      try {
        return await work;
      } finally {
        add(stage, performance.now() - start);
      }
    },
    add,
    composed(n) {
      briefings += n;
    },
    flush() {
      const used = process.cpuUsage(cpu);
      cpu = process.cpuUsage();
      const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
      const mb = (n: number) => Math.round(n / 2 ** 20);
      const memory = {
        rss: mb(rss),
        heap_total: mb(heapTotal),
        heap_used: mb(heapUsed),
        external: mb(external),
        array_buffers: mb(arrayBuffers),
      };
      write(`tidings-send-stages ${JSON.stringify({ briefings, cpu_ms: (used.user + used.system) / 1000, ms, memory_mb: memory })}\n`);
      ms = {};
      briefings = 0;
    },
  };
}

let current: StageClock = off;

/** The process's stage clock (off unless startStageTiming was called). */
export function stageClock(): StageClock {
  return current;
}

export function startStageTiming(enabled: boolean): void {
  current = enabled ? createStageClock((line) => process.stdout.write(line)) : off;
}
