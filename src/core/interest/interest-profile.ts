// A reader's interest profile and how one signal changes it: decayed feature weights, bounded in size.
// Pure functions over plain data, shared by the learn worker, the ranker, the offline CLI and the eval.
import type { ReaderEvent } from '../../contracts';
import type { FeatureVector } from './article-features';

/** Signals a history (offline input) may hold. */
export const learnableSignals = ['click', 'bookmark', 'vote_up', 'vote_down', 'delivered'] as const;
/** A reader taking back a vote or a bookmark: the profile takes back what that counted for. */
export const undoSignals = ['vote_cleared', 'bookmark_removed'] as const;
export type LearnableSignal = (typeof learnableSignals)[number] | (typeof undoSignals)[number];

/**
 * How much one signal moves the profile. Explicit votes outweigh implicit signals; a briefing that
 * was delivered but not clicked is a weak negative, which a later click more than cancels.
 */
export const signalWeights: Readonly<Record<LearnableSignal, number>> = {
  vote_up: 3,
  vote_down: -3,
  bookmark: 2,
  click: 1,
  delivered: -0.1,
  // What a removed bookmark takes back; a cleared vote takes back that vote (see applySignal).
  bookmark_removed: -2,
  vote_cleared: 0,
};

export interface InterestSettings {
  /** Half-life of what a reader did, in days: a signal this old counts half. */
  halfLifeDays: number;
  /** The most features a profile keeps; the long tail of weak ones is pruned. */
  maxFeatures: number;
}

export const defaultInterestSettings: InterestSettings = { halfLifeDays: 21, maxFeatures: 256 };

/** Articles a reader voted on, remembered so implicit signals on them are ignored (votes win). */
const MAX_VOTES_REMEMBERED = 200;
/** Weights smaller than this are noise and are dropped when the profile is pruned. */
const NEGLIGIBLE = 1e-3;

export interface Profile {
  /** Feature key → weight, as of `updated_at`. */
  weights: Record<string, number>;
  /** How much the reader has told us (decayed sum of |signal| for non-delivery signals): trust in the profile. */
  evidence: number;
  /** Signals applied, ever (not decayed): for operators and the preferences page. */
  signals: number;
  /** Article id → +1/-1 for explicit votes, newest last. */
  votes: Record<string, 1 | -1>;
  /** Epoch milliseconds of the last update; weights decay from here. */
  updated_at: number;
}

export function emptyProfile(at = 0): Profile {
  return { weights: {}, evidence: 0, signals: 0, votes: {}, updated_at: at };
}

/** The factor by which weights recorded at `from` have decayed by `to`. */
export function decayFactor(fromMs: number, toMs: number, halfLifeDays: number): number {
  if (toMs <= fromMs) return 1;
  return Math.pow(2, -(toMs - fromMs) / (halfLifeDays * 86_400_000));
}

export type SignalVerdict = { ok: true; signal: LearnableSignal } | { ok: false; reason: string };

/** Whether an event may teach a profile, and as which signal; every refusal carries its reason. */
export function signalOf(event: Pick<ReaderEvent, 'type' | 'kind' | 'article_id' | 'suspected_bot' | 'bot_reasons'>): SignalVerdict {
  if (event.suspected_bot) {
    return {
      ok: false,
      reason: `suspected automated event (${event.bot_reasons.join(', ') || 'flagged by the edge'}): never learned from`,
    };
  }
  const known: readonly string[] = [...learnableSignals, ...undoSignals];
  if (!known.includes(event.type)) return { ok: false, reason: `a ${event.type} event says nothing about interests` };
  if (!event.article_id) return { ok: false, reason: `a ${event.type} event without an article` };
  // A click on a vote, bookmark or preferences link only opens a page; the press of its button is the signal.
  if (event.type === 'click' && event.kind !== null && event.kind !== 'article')
    return { ok: false, reason: `a click on a ${event.kind} link is not a read` };
  return { ok: true, signal: event.type as LearnableSignal };
}

export type ApplyResult = { applied: true; profile: Profile } | { applied: false; reason: string; profile: Profile };

/**
 * Apply one signal about one article to a profile, returning a new profile. Weights decay to the
 * signal's time first (a signal older than the profile is discounted instead), so events applied
 * in any order give nearly the same profile.
 */
export function applySignal(
  profile: Profile,
  articleId: string,
  features: FeatureVector,
  signal: LearnableSignal,
  atMs: number,
  settings: InterestSettings,
): ApplyResult {
  const vote = profile.votes[articleId];
  if (vote !== undefined && (signal === 'click' || signal === 'bookmark' || signal === 'bookmark_removed' || signal === 'delivered')) {
    return { applied: false, reason: `the reader voted on this article; an implicit ${signal} does not change that`, profile };
  }
  if (vote !== undefined && ((signal === 'vote_up' && vote === 1) || (signal === 'vote_down' && vote === -1))) {
    return { applied: false, reason: 'the same vote was already counted', profile };
  }
  if (signal === 'vote_cleared' && vote === undefined) return { applied: false, reason: 'there is no counted vote to clear', profile };
  const now = Math.max(profile.updated_at, atMs);
  const age = decayFactor(profile.updated_at, now, settings.halfLifeDays);
  const weights: Record<string, number> = {};
  let size = 0;
  for (const key in profile.weights) {
    weights[key] = profile.weights[key]! * age;
    size++;
  }

  // Changing one's vote takes the old vote back before counting the new one.
  let strength = signalWeights[signal];
  if (vote !== undefined && signal !== 'bookmark_removed') strength -= signalWeights[vote === 1 ? 'vote_up' : 'vote_down'];
  const late = decayFactor(atMs, now, settings.halfLifeDays);
  strength *= late;
  for (let i = 0; i < features.keys.length; i++) {
    const key = features.keys[i]!;
    const before = weights[key];
    if (before === undefined) size++;
    weights[key] = (before ?? 0) + strength * features.values[i]!;
  }

  let votes = profile.votes;
  if (signal === 'vote_cleared') {
    votes = { ...profile.votes };
    delete votes[articleId];
  } else if (signal === 'vote_up' || signal === 'vote_down') {
    votes = { ...profile.votes };
    delete votes[articleId];
    votes[articleId] = signal === 'vote_up' ? 1 : -1;
    const ids = Object.keys(votes);
    for (let i = 0; i < ids.length - MAX_VOTES_REMEMBERED; i++) delete votes[ids[i]!];
  }
  // Taking something back is not new evidence of interest; delivery never is.
  const counts = signal !== 'delivered' && signal !== 'vote_cleared' && signal !== 'bookmark_removed';
  const evidence = profile.evidence * age + (counts ? Math.abs(signalWeights[signal]) * late : 0);
  const next: Profile = { weights, evidence, signals: profile.signals + 1, votes, updated_at: now };
  return { applied: true, profile: size > settings.maxFeatures ? prune(next, settings.maxFeatures) : next };
}

/**
 * Keep the strongest features only. Pruning goes to 75% of the cap, so it runs once in many
 * signals rather than on every one, and negligible weights go with it.
 */
export function prune(profile: Profile, maxFeatures: number): Profile {
  const entries = Object.entries(profile.weights).filter(([, w]) => Math.abs(w) >= NEGLIGIBLE);
  const keep = Math.floor(maxFeatures * 0.75);
  if (entries.length > keep) {
    entries.sort((x, y) => Math.abs(y[1]) - Math.abs(x[1]) || (x[0] < y[0] ? -1 : 1));
    entries.length = keep;
  }
  return { ...profile, weights: Object.fromEntries(entries) };
}

/** The profile as of `atMs`: every weight and the evidence decayed. */
export function profileAt(profile: Profile, atMs: number, settings: Pick<InterestSettings, 'halfLifeDays'>): Profile {
  const factor = decayFactor(profile.updated_at, atMs, settings.halfLifeDays);
  if (factor === 1) return profile;
  const weights: Record<string, number> = {};
  for (const key in profile.weights) weights[key] = profile.weights[key]! * factor;
  return { ...profile, weights, evidence: profile.evidence * factor, updated_at: Math.max(atMs, profile.updated_at) };
}

/** Parse a stored profile, tolerating a missing or damaged one (it is rebuilt from new signals). */
export function parseProfile(raw: string | null | undefined): Profile | null {
  if (!raw) return null;
  try {
    const p = JSON.parse(raw) as Partial<Profile>;
    if (typeof p !== 'object' || p === null || typeof p.weights !== 'object' || typeof p.updated_at !== 'number') return null;
    return {
      weights: p.weights ?? {},
      evidence: Number(p.evidence) || 0,
      signals: Number(p.signals) || 0,
      votes: p.votes ?? {},
      updated_at: p.updated_at,
    };
  } catch {
    return null;
  }
}
