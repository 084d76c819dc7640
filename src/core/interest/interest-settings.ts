// The learner's and the ranker's settings from the validated configuration, in one place.
import type { InterestSettings } from './interest-profile';
import { defaultRankSettings, type RankSettings } from './ranking';

/** The settings these are made from, as the validated configuration names them (core never reads env itself). */
export interface InterestConfig {
  INTEREST_HALF_LIFE_DAYS: number;
  INTEREST_MAX_FEATURES: number;
  ARTICLE_MAX_AGE_HOURS: number;
}

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
