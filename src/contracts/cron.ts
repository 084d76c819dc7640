// Five-field cron patterns (minute hour day-of-month month day-of-week): checked and matched against a local time.
// BullMQ runs the fixed-zone schedules; this is for validating input at the edge (no BullMQ there) and for
// "each reader at 07:00 in their own zone", where the planner asks whether a reader's local minute matches.

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

/** The most days each month can have (February in a leap year). */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Longest pattern accepted. BullMQ refuses patterns over 1,024 characters (and a refused one used to block the
 * schedules after it); a person writes under 50, and every minute listed one by one still fits in 256.
 */
export const MAX_CRON_LENGTH = 256;
/** Items in one field's list: more than any field has values (minutes: 60). */
const MAX_LIST_ITEMS = 60;

export interface CronFields {
  sets: Array<Set<number>>;
  /** Day of month and day of week both restricted: cron matches either (classic Vixie semantics). */
  eitherDay: boolean;
}

/** A description of what is wrong with the pattern, or null when it is valid. */
export function cronProblem(pattern: string): string | null {
  try {
    parseCron(pattern);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

export function parseCron(pattern: string): CronFields {
  if (pattern.length > MAX_CRON_LENGTH)
    throw new Error(`must be at most ${MAX_CRON_LENGTH} characters (got ${pattern.length}), e.g. "0 7 * * 1-5"`);
  const parts = pattern.trim().split(/\s+/);
  if (parts.length !== 5)
    throw new Error(
      `must have 5 fields (minute hour day-of-month month day-of-week), not ${parts.length}; e.g. "0 7 * * *" is every day at 07:00, "0 7 * * 1-5" weekdays at 07:00`,
    );
  const sets = parts.map((part, i) => parseField(part, FIELDS[i]!));
  // A day of month no chosen month has (31 in February) would never run; BullMQ refuses it when applying it.
  // With a day of week as well, either day matches (see eitherDay), so the pattern still runs on that weekday.
  const [days, months] = [sets[2]!, sets[3]!];
  if (parts[4] === '*' && ![...days].some((d) => [...months].some((m) => d <= DAYS_IN_MONTH[m - 1]!)))
    throw new Error(
      `day of month "${parts[2]}" never falls in month "${parts[3]}" (no such date, even in a leap year), so this schedule would never run`,
    );
  const dow = sets[4]!;
  if (dow.has(7)) dow.add(0);
  return { sets, eitherDay: parts[2] !== '*' && parts[4] !== '*' };
}

function parseField(text: string, field: (typeof FIELDS)[number]): Set<number> {
  const out = new Set<number>();
  const items = text.split(',');
  if (items.length > MAX_LIST_ITEMS)
    throw new Error(`${field.name} lists ${items.length} values, at most ${MAX_LIST_ITEMS} items are allowed`);
  for (const item of items) {
    // Numbers of one or two digits: every field's values fit, and nothing longer can hide a huge step or range.
    const match = /^(\*|\d{1,2}(?:-\d{1,2})?)(?:\/(\d{1,2}))?$/.exec(item);
    if (!match)
      throw new Error(
        `${field.name} "${item.slice(0, 20)}" is not a number, range (1-5), list (1,3) or step (*/15) of one- or two-digit numbers`,
      );
    const [, range, stepText] = match;
    const step = stepText ? Number(stepText) : 1;
    let from: number = field.min;
    let to: number = field.max;
    if (range !== '*') {
      const [a, b] = range!.split('-').map(Number) as [number, number | undefined];
      from = a;
      to = b ?? (stepText ? field.max : a);
    }
    if (from < field.min || to > field.max || from > to || step < 1) {
      throw new Error(`${field.name} "${item}" is out of range ${field.min}-${field.max}`);
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

export interface LocalMinute {
  minute: number;
  hour: number;
  day: number;
  month: number;
  /** 0 = Sunday. */
  weekday: number;
}

export function cronMatches(cron: CronFields, t: LocalMinute): boolean {
  const [m, h, dom, mon, dow] = cron.sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (!m.has(t.minute) || !h.has(t.hour) || !mon.has(t.month)) return false;
  return cron.eitherDay ? dom.has(t.day) || dow.has(t.weekday) : dom.has(t.day) && dow.has(t.weekday);
}
