// The topics Tidings has now, with how many recent articles each: what a new reader can choose from.
import { recentArticles } from './articles';
import type { Db } from './keys';

export interface TopicCount {
  topic: string;
  articles: number;
}

/** Topics of the newest articles (the briefing's candidate pool), most articles first. */
export async function recentTopicCounts(db: Db, pool = 500, limit = 24): Promise<TopicCount[]> {
  const counts = new Map<string, number>();
  for (const article of await recentArticles(db, pool)) {
    if (article.content_type === 'internal') continue;
    for (const topic of new Set(article.topics)) counts.set(topic, (counts.get(topic) ?? 0) + 1);
  }
  return [...counts]
    .map(([topic, articles]) => ({ topic, articles }))
    .sort((a, b) => b.articles - a.articles || a.topic.localeCompare(b.topic))
    .slice(0, limit);
}
