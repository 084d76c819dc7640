// The readers discovery works for: every active subscriber's learned profile and chosen topics,
// without names or addresses (discovery never needs to know who anyone is).
import type { DiscoveryReader } from '../../src/core/discovery/scoring';
import { parseProfile } from '../../src/core/interest/interest-profile';
import type { Db } from '../../src/store/keys';
import { subscribersPage } from '../../src/store/subscribers';

const PAGE = 500;

export async function discoveryReaders(db: Db): Promise<DiscoveryReader[]> {
  const out: DiscoveryReader[] = [];
  for (let start = 0; ; start += PAGE) {
    const { ids, subscribers } = await subscribersPage(db, start, PAGE);
    if (ids.length === 0) break;
    const active = subscribers.filter((s) => s && s.status === 'active');
    if (active.length > 0) {
      const profiles = await db.redis.mget(...active.map((s) => db.keys.profile(s!.id)));
      active.forEach((s, i) => out.push({ profile: parseProfile(profiles[i]), chosenTopics: s!.topics }));
    }
    if (ids.length < PAGE) break;
  }
  return out;
}
