// How many events one link may add per minute: a link fetched in a loop keeps redirecting, but stops filling Redis.

export interface ClickBudgetOptions {
  /** Events one token may add in one clock minute (default 20: far more than a person clicks one link). */
  perMinute?: number;
  /** Tokens tracked per minute at most, so the budget itself stays small; tokens past it are not limited (default 100,000). */
  maxTracked?: number;
}

export interface ClickBudget {
  /** May this token add one more event now? Counts the refusal when not. */
  take(token: string, nowMs: number): boolean;
  /** Clicks redirected without an event because their token had used up its minute. */
  stats(): { over_budget: number };
}

/**
 * A fixed one-minute window per token, in process memory: one Map lookup per click, nothing awaited. Each
 * instance keeps its own count, so N instances bound a token to N × perMinute events a minute.
 */
export function createClickBudget(options: ClickBudgetOptions = {}): ClickBudget {
  const perMinute = options.perMinute ?? 20;
  const maxTracked = options.maxTracked ?? 100_000;
  let minute = -1;
  let counts = new Map<string, number>();
  let overBudget = 0;
  return {
    take(token, nowMs) {
      const current = Math.floor(nowMs / 60_000);
      if (current !== minute) {
        minute = current;
        counts = new Map();
      }
      // A token's tag (its last 22 characters) is unique to it and short: the key, rather than up to 2 KB of token.
      const key = token.length > 22 ? token.slice(-22) : token;
      const used = counts.get(key) ?? 0;
      if (used >= perMinute) {
        overBudget++;
        return false;
      }
      if (used > 0 || counts.size < maxTracked) counts.set(key, used + 1);
      return true;
    },
    stats: () => ({ over_budget: overBudget }),
  };
}
