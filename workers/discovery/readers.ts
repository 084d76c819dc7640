// The readers discovery works for: active subscribers' learned profiles and chosen topics, without names or
// addresses (discovery never needs to know who anyone is). Beyond SAMPLE_LIMIT readers, a uniform sample stands for
// everyone: scoring a site needs every reader's profile in memory at once, and 100,000 of them took a few hundred MB
// of the worker that sends the editions.
import type { DiscoveryReader } from '../../src/core/discovery/scoring';
import { fnv1a } from '../../src/core/encoding';
import { getProfile } from '../../src/store/interest';
import type { Db } from '../../src/store/keys';
import { countSubscribers, getSubscribers } from '../../src/store/subscribers';

const PAGE = 500;
/** The most readers a round scores; a different uniform sample each day beyond it. */
export const SAMPLE_LIMIT = 5_000;

export interface DiscoveryPopulation {
  readers: DiscoveryReader[];
  /** How many active readers `readers` stand for: their number, or an estimate when they are a sample. */
  population: number;
}

export async function discoveryReaders(db: Db, nowMs: number, limit = SAMPLE_LIMIT): Promise<DiscoveryPopulation> {
  // One in `every` subscribers, chosen by a hash of the day and the id: the sample changes daily, never within a round.
  const every = Math.max(1, Math.ceil((await countSubscribers(db)) / limit));
  const day = new Date(nowMs).toISOString().slice(0, 10);
  const readers: DiscoveryReader[] = [];
  for (let start = 0; ; start += PAGE) {
    const ids = await db.redis.zrange(db.keys.subscribersByCreated, String(start), String(start + PAGE - 1));
    if (ids.length === 0) break;
    const chosen = every === 1 ? ids : ids.filter((id) => fnv1a(`${day}\n${id}`) % every === 0);
    const active = (await getSubscribers(db, chosen)).filter((s) => s && s.status === 'active');
    if (active.length > 0) {
      // One read each, not MGET: the profiles live in their readers' buckets (slots of their own on a cluster).
      const profiles = await Promise.all(active.map((s) => getProfile(db, s!.id)));
      active.forEach((s, i) => readers.push({ profile: profiles[i] ?? null, chosenTopics: s!.topics }));
    }
    if (ids.length < PAGE) break;
  }
  return { readers, population: readers.length * every };
}
