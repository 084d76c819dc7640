// The readers and the pool that bench:compose and bench:learn work on: --readers readers (default 3000) with learned
// profiles, chosen topics and mutes, and --candidates generated articles (default 500) across many sources and topics.
import type { Db } from '../../src/store/keys';
import { generateArticles, seedArticles, type GeneratedPool } from '../../test/fixtures/articles';
import { createSubscribers, learnProfiles } from '../../test/fixtures/subscribers';

/** --readers and --candidates from the command line, each a whole number ≥ 100. */
export function readersAndCandidates(argv: readonly string[]): { readers: number; candidates: number } {
  const arg = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    return i > 0 ? Number(argv[i + 1]) : fallback;
  };
  const chosen = { readers: arg('readers', 3000), candidates: arg('candidates', 500) };
  for (const [name, value] of Object.entries(chosen))
    if (!Number.isInteger(value) || value < 100) throw new Error(`--${name} must be a whole number ≥ 100 (got ${value})`);
  return chosen;
}

/** The demo articles, the generated pool and the readers, with profiles learned from the pool as of `at`. */
export async function seedLearnedReaders(
  db: Db,
  options: { readers: number; candidates: number; at: Date },
): Promise<{ pool: GeneratedPool; ids: string[] }> {
  await seedArticles(db, options.at);
  const pool = await generateArticles(db, options.candidates, { now: options.at, seed: 7 });
  const ids = await createSubscribers(db, options.readers);
  await learnProfiles(db, ids, { ...pool, articleIds: pool.articleIds, now: options.at, seed: 11 });
  return { pool, ids };
}
