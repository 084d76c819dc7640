// Global popularity: click-through per article, smoothed toward the mean, with counters that decay
// ("forward decay": each increment is scaled up by its time, so stored sums never need rewriting).

/** The reference time of forward decay; any fixed instant works, a recent one keeps numbers small. */
export const DECAY_EPOCH_MS = Date.UTC(2026, 0, 1);
/** Popularity is about now: a click a week old counts half. */
export const POPULARITY_HALF_LIFE_DAYS = 7;
/** A click-through rate is pulled toward the mean as if it had this many deliveries at the mean. */
const PRIOR_DELIVERIES = 20;
/** Before anyone clicked anything, assume one delivered article in ten is opened. */
const DEFAULT_MEAN_CTR = 0.1;

/** The multiplier for an increment at `atMs`: divide a stored sum by `forwardWeight(now)` to read it. */
export function forwardWeight(atMs: number, halfLifeDays = POPULARITY_HALF_LIFE_DAYS): number {
  return Math.pow(2, (atMs - DECAY_EPOCH_MS) / (halfLifeDays * 86_400_000));
}

export interface Engagement {
  clicks: number;
  delivered: number;
}

/** Popularity as the ranker needs it: decayed counts per article, and the mean click-through. */
export interface PopularitySnapshot {
  byArticle: ReadonlyMap<string, Engagement>;
  meanCtr: number;
}

export const noPopularity: PopularitySnapshot = { byArticle: new Map(), meanCtr: DEFAULT_MEAN_CTR };

/** Build a snapshot from forward-decayed sums read at `nowMs`. */
export function popularitySnapshot(stored: Iterable<[string, Engagement]>, totals: Engagement, nowMs: number): PopularitySnapshot {
  const scale = 1 / forwardWeight(nowMs);
  const byArticle = new Map<string, Engagement>();
  for (const [id, e] of stored) byArticle.set(id, { clicks: e.clicks * scale, delivered: e.delivered * scale });
  const meanCtr = totals.delivered > 0 && totals.clicks > 0 ? Math.min(0.9, totals.clicks / totals.delivered) : DEFAULT_MEAN_CTR;
  return { byArticle, meanCtr };
}

/** Click-through smoothed toward the mean, so three clicks from three deliveries is not "100%". */
export function smoothedCtr(e: Engagement | undefined, meanCtr: number): number {
  const clicks = e?.clicks ?? 0;
  const delivered = Math.max(e?.delivered ?? 0, clicks);
  return (clicks + PRIOR_DELIVERIES * meanCtr) / (delivered + PRIOR_DELIVERIES);
}

/** Popularity in [0, 1): 0.5 is an average article, higher is clicked more than most. */
export function popularityScore(e: Engagement | undefined, meanCtr: number): number {
  const ctr = smoothedCtr(e, meanCtr);
  return ctr / (ctr + meanCtr);
}

/**
 * How often to poll a source, from its share of reader engagement (0 = nobody reads it, 1 = the
 * most-read source): the most-read are polled four times as often as the base, the unread half as often.
 */
export function pollIntervalMinutes(engagementShare: number, baseMinutes: number): number {
  const share = Math.min(1, Math.max(0, Number.isFinite(engagementShare) ? engagementShare : 0));
  return Math.max(5, Math.round(baseMinutes * Math.pow(2, 1 - 3 * share)));
}
