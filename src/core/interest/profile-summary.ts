// What a profile says in words a reader can check: the topics, sources and authors Tidings has
// learned they like (and dislike), strongest first. For the preferences page and operators.
import { describeFeature } from './article-features';
import { profileAt, type Profile } from './interest-profile';
import { profileTrust } from './ranking';

export interface LearnedItem {
  /** The feature key ("t:ranking", "s:the-wire", …). */
  key: string;
  /** The topic, source id or author as stored. */
  value: string;
  label: string;
  weight: number;
}

export interface ProfileSummary {
  topics: LearnedItem[];
  sources: LearnedItem[];
  authors: LearnedItem[];
  /** Words from titles and summaries that matter most. */
  terms: LearnedItem[];
  /**
   * Topics and sources with a clearly negative weight (voted down, or never opened). Empty until the reader
   * has done something: deliveries alone make every source look disliked, and the ranker ignores them.
   */
  disliked: LearnedItem[];
  signals: number;
  /** How far the ranker follows this profile now (0 to 1; see profileTrust). */
  trust: number;
}

/** Weights below this are not worth showing a person. */
const SHOWN = 0.05;

export function summariseProfile(
  profile: Profile | null,
  nowMs: number,
  halfLifeDays: number,
  sourceTitles?: ReadonlyMap<string, string>,
  perKind = 8,
): ProfileSummary {
  const empty: ProfileSummary = { topics: [], sources: [], authors: [], terms: [], disliked: [], signals: 0, trust: 0 };
  if (!profile) return empty;
  const current = profileAt(profile, nowMs, { halfLifeDays });
  const trust = profileTrust(profile, nowMs, halfLifeDays);
  const items: Array<LearnedItem & { kind: string }> = Object.entries(current.weights).map(([key, weight]) => {
    const { kind, label } = describeFeature(key, sourceTitles);
    return { key, value: key.slice(2), label, weight: Math.round(weight * 1000) / 1000, kind };
  });
  const liked = (kind: string) =>
    items
      .filter((i) => i.kind === kind && i.weight >= SHOWN)
      .sort((a, b) => b.weight - a.weight)
      .slice(0, perKind)
      .map(strip);
  return {
    topics: liked('topic'),
    sources: liked('source'),
    authors: liked('author'),
    terms: liked('term'),
    disliked:
      trust > 0
        ? items
            .filter((i) => (i.kind === 'topic' || i.kind === 'source') && i.weight <= -SHOWN)
            .sort((a, b) => a.weight - b.weight)
            .slice(0, perKind)
            .map(strip)
        : [],
    signals: profile.signals,
    trust,
  };
}

function strip({ kind: _kind, ...item }: LearnedItem & { kind: string }): LearnedItem {
  return item;
}
