// Deliverability guardrails: when an edition's complaint or bounce rate crosses a limit, its schedule pauses.
import type { EditionSummary } from '../../contracts';

export interface GuardrailLimits {
  /** Gmail's and Yahoo's bulk-sender rules: keep spam complaints under 0.3%. */
  complaintRate: number;
  /** Hard bounces above this share point at a stale list. */
  bounceRate: number;
}

export const defaultLimits: GuardrailLimits = { complaintRate: 0.003, bounceRate: 0.04 };

/** The limits an operator set, given in percent as the settings are. */
export function limitsFromPercent(complaintPercent: number, bouncePercent: number): GuardrailLimits {
  return { complaintRate: complaintPercent / 100, bounceRate: bouncePercent / 100 };
}

/** Why this edition should stop its schedule, or null when it is within the limits. */
export function guardrailBreach(e: EditionSummary, limits: GuardrailLimits = defaultLimits): string | null {
  if (e.sent === 0) return null;
  const pct = (x: number) => `${Number((x * 100).toFixed(2))}%`;
  const complaints = e.complained / e.sent;
  if (complaints >= limits.complaintRate) {
    return `complaint rate of edition ${e.id} is ${pct(complaints)} (${e.complained} of ${e.sent}), at or above ${pct(limits.complaintRate)}; look at who complained and why before resuming`;
  }
  const bounces = e.bounced / e.sent;
  if (bounces >= limits.bounceRate) {
    return `bounce rate of edition ${e.id} is ${pct(bounces)} (${e.bounced} of ${e.sent}), at or above ${pct(limits.bounceRate)}; clean the list before resuming`;
  }
  return null;
}
