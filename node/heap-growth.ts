// How far V8 lets the heap grow between major collections, for a process that runs the workers.
//
// V8 picks the growth from the machine: with gigabytes free it lets the old generation reach up to four times the
// live data before collecting it. A send worker's live data is ~45 MB, but composing promotes short-lived batch data
// (reads waiting their turn, a batch's signed links) at ~30 MB/s, so the heap swung between ~45 and ~150 MB and the
// process's peak memory followed the top of the swing. At 2.5×, peak RSS of a 10,000-reader send fell from 366–378 to
// 313 MB, with no cost in time above the noise (docs/benchmarks.md, sixth pass).
import { setFlagsFromString } from 'node:v8';

/** The old generation may grow to (100 + this)% of what survived the last major collection. */
export const HEAP_GROWING_PERCENT = 150;
export const HEAP_GROWTH_FLAG = `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;

/**
 * Set the growth for this process. V8 reads it at every major collection, so it holds from the next one on; Node
 * keeps V8's flags writable for setFlagsFromString.
 */
export function limitHeapGrowth(): void {
  setFlagsFromString(HEAP_GROWTH_FLAG);
}
