// The learner's and the ranker's settings from the validated configuration, in one place.
import type { Config } from '../env';
import type { InterestSettings } from './interest-profile';
import { defaultRankSettings, type RankSettings } from './ranking';

type InterestConfig = Pick<Config, 'INTEREST_HALF_LIFE_DAYS' | 'INTEREST_MAX_FEATURES' | 'ARTICLE_MAX_AGE_HOURS'>;

export function interestSettingsFrom(config: InterestConfig): InterestSettings {
  return { halfLifeDays: config.INTEREST_HALF_LIFE_DAYS, maxFeatures: config.INTEREST_MAX_FEATURES };
}

/** Rank settings for a briefing of `limit` articles. */
export function rankSettingsFrom(config: InterestConfig, limit: number): RankSettings {
  return {
    ...defaultRankSettings,
    limit,
    diversityWindow: limit,
    // Four of ten from one source at most, three on one story: no briefing is about one thing.
    maxPerSource: Math.max(1, Math.ceil(limit * 0.4)),
    maxPerStory: Math.max(1, Math.ceil(limit * 0.3)),
    maxAgeHours: config.ARTICLE_MAX_AGE_HOURS,
    halfLifeDays: config.INTEREST_HALF_LIFE_DAYS,
  };
}
