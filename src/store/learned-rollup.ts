// Moves each bucket's learned delta (src/store/learned-deltas.ts) into the global {learned} views, exactly once even
// when a rollup is killed at any point or two run at once. Three steps, each atomic in one slot:
//   1. claim (bucket slot): rename the delta to the bucket's pending hash under a new generation number; a pending
//      hash already there (a rollup that stopped part-way) is taken again as it is;
//   2. apply ({learned} slot): add the pending increments to the views and record the bucket's generation, unless that
//      generation is recorded already;
//   3. drop (bucket slot): delete the pending hash if it still holds that generation.
// A kill after 1 leaves the pending hash for the next rollup; after 2, the next rollup's apply skips it and drops it.
import { READER_BUCKETS, type Db } from './keys';
import { scriptCommand } from './script-command';

const claimScript = scriptCommand<string[]>('claim-learned-delta');
const applyScript = scriptCommand<number>('apply-learned-delta');
const dropScript = scriptCommand<number>('drop-learned-delta');

const GENERATION = '#gen';

/** A bucket's claimed delta: its generation and its "<view>|<field>", increment pairs. */
export interface LearnedClaim {
  bucket: number;
  generation: number;
  increments: Array<[string, string]>;
}

/** Step 1: the bucket's pending delta (claiming the current delta if none is pending), or null when there is nothing. */
export async function claimLearnedDelta(db: Db, bucket: number): Promise<LearnedClaim | null> {
  const k = db.keys;
  const flat = await claimScript(db.redis, [k.learnedDelta(bucket), k.learnedPending(bucket), k.learnedGeneration(bucket)], []);
  if (flat.length === 0) return null;
  let generation = 0;
  const increments: Array<[string, string]> = [];
  for (let i = 0; i < flat.length; i += 2) {
    if (flat[i] === GENERATION) generation = Number(flat[i + 1]);
    else increments.push([flat[i]!, flat[i + 1]!]);
  }
  return { bucket, generation, increments };
}

/** Step 2: add a claimed delta to the global views; false when this generation was added before. */
export async function applyLearnedDelta(db: Db, claim: LearnedClaim): Promise<boolean> {
  const k = db.keys;
  const applied = await applyScript(
    db.redis,
    [k.popularity, k.sourceEngagement, k.globalInterest, k.learnStats, k.learnedRolledUp],
    [claim.bucket, claim.generation, ...claim.increments.flat()],
  );
  return applied === 1;
}

/** Step 3: forget a claimed delta once it is in the views (only that generation). */
export async function dropLearnedDelta(db: Db, claim: LearnedClaim): Promise<void> {
  await dropScript(db.redis, [db.keys.learnedPending(claim.bucket)], [claim.generation]);
}

/** Roll one bucket up: every step, in order. Resolves with the number of increments added (0 if none or done before). */
export async function rollUpBucket(db: Db, bucket: number): Promise<number> {
  const claim = await claimLearnedDelta(db, bucket);
  if (!claim) return 0;
  const applied = await applyLearnedDelta(db, claim);
  await dropLearnedDelta(db, claim);
  return applied ? claim.increments.length : 0;
}

export interface RollupResult {
  /** Buckets whose delta was added to the views in this round. */
  buckets: number;
  increments: number;
}

/** Roll every bucket up; a bucket that fails stays pending for the next round, and the first failure is thrown after the rest ran. */
export async function rollUpLearned(db: Db): Promise<RollupResult> {
  const result: RollupResult = { buckets: 0, increments: 0 };
  const failures: unknown[] = [];
  await Promise.all(
    Array.from({ length: READER_BUCKETS }, async (_, bucket) => {
      try {
        const increments = await rollUpBucket(db, bucket);
        if (increments > 0) {
          result.buckets++;
          result.increments += increments;
        }
      } catch (error) {
        failures.push(error);
      }
    }),
  );
  if (failures.length > 0) throw failures[0];
  return result;
}
