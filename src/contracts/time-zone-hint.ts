// The nearest valid IANA time zone to a mistyped one ("Berlin" → "Europe/Berlin"), for error messages.

let zones: string[] | undefined;

function allZones(): string[] {
  // Intl knows the runtime's zone list on Node and on Workers; UTC is valid but not always listed.
  zones ??= [...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])];
  return zones;
}

/** Edit distance between two short strings (names of zones are at most ~30 characters). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The valid zone a person most likely meant, or null when nothing is close. */
export function nearestTimeZone(input: string): string | null {
  const wanted = input.trim().toLowerCase().replace(/\s+/g, '_');
  if (wanted === '') return null;
  let best: { zone: string; score: number } | null = null;
  for (const zone of allZones()) {
    const full = zone.toLowerCase();
    const city = full.slice(full.lastIndexOf('/') + 1);
    if (full === wanted || city === wanted) return zone;
    const score = Math.min(distance(wanted, full), distance(wanted, city));
    if (!best || score < best.score) best = { zone, score };
  }
  return best && best.score <= Math.max(2, Math.floor(wanted.length / 3)) ? best.zone : null;
}

/** The message for a zone that is not valid, naming the nearest valid one when there is one. */
export function timeZoneProblem(input: string): string {
  const near = nearestTimeZone(input);
  return `must be an IANA time zone such as Europe/Berlin or UTC${near ? `; did you mean ${near}?` : ''}`;
}
