// Sum the workers' `tidings-send-stages` lines (workers/send-stages.ts) into milliseconds per briefing by stage.
import { sendStages, type SendStage } from '../../workers/send-stages';

export interface StageTable {
  briefings: number;
  /** The worker processes' CPU time (all threads) per briefing: what one briefing costs the machine. */
  cpu_total: number;
  /** Timed synchronous work per stage, per briefing (main thread). */
  cpu: Partial<Record<SendStage, number>>;
  /** CPU not inside a timed stage: GC, Redis and HTTP client code, BullMQ, the thread pool's compression. */
  cpu_other: number;
  /** Time spent waiting per stage, per briefing (overlaps with other batches' work; not machine time). */
  waits: Partial<Record<SendStage, number>>;
}

const round = (ms: number) => Number(ms.toFixed(3));

export function stageTable(outputs: readonly string[]): StageTable {
  let briefings = 0;
  let cpuMs = 0;
  const ms: Partial<Record<SendStage, number>> = {};
  for (const output of outputs) {
    for (const line of output.split('\n')) {
      if (!line.startsWith('tidings-send-stages ')) continue;
      const row = JSON.parse(line.slice('tidings-send-stages '.length)) as { briefings: number; cpu_ms: number; ms: typeof ms };
      briefings += row.briefings;
      cpuMs += row.cpu_ms;
      for (const [stage, v] of Object.entries(row.ms)) ms[stage as SendStage] = (ms[stage as SendStage] ?? 0) + (v ?? 0);
    }
  }
  const per = (v: number) => (briefings > 0 ? round(v / briefings) : 0);
  const cpu: StageTable['cpu'] = {};
  const waits: StageTable['waits'] = {};
  let timed = 0;
  for (const stage of sendStages) {
    const v = ms[stage];
    if (v === undefined) continue;
    if (stage.endsWith('_wait')) waits[stage] = per(v);
    else {
      cpu[stage] = per(v);
      timed += v;
    }
  }
  return { briefings, cpu_total: per(cpuMs), cpu, cpu_other: per(cpuMs - timed), waits };
}
