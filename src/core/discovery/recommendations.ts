// Ghost's `/.well-known/recommendations.json`: the sites a publication recommends, read defensively.
// Ghost serves an array of { url, title, description, … }; anything else in the document is ignored.

export interface Recommendation {
  url: string;
  title: string;
  description: string;
}

/** The path Ghost publishes a site's recommendations at. */
export const RECOMMENDATIONS_PATH = '/.well-known/recommendations.json';

/** At most this many recommendations are read from one site: a list, not a directory. */
const MAX_RECOMMENDATIONS = 100;

export function recommendationsUrl(siteUrl: string): string {
  return new URL(RECOMMENDATIONS_PATH, new URL(siteUrl).origin).toString();
}

/** The recommended sites in a recommendations.json body; [] when it is not that document. */
export function parseRecommendations(body: string): Recommendation[] {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return [];
  }
  // Ghost serves a bare array; tolerate a `{ "recommendations": [...] }` wrapper too.
  const list = Array.isArray(data)
    ? data
    : Array.isArray((data as { recommendations?: unknown })?.recommendations)
      ? (data as { recommendations: unknown[] }).recommendations
      : [];
  const out: Recommendation[] = [];
  const seen = new Set<string>();
  for (const entry of list) {
    if (out.length >= MAX_RECOMMENDATIONS) break;
    if (!entry || typeof entry !== 'object') continue;
    const e = entry as Record<string, unknown>;
    if (typeof e['url'] !== 'string') continue;
    let url: URL;
    try {
      url = new URL(e['url']);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    if (seen.has(url.toString())) continue;
    seen.add(url.toString());
    out.push({
      url: url.toString(),
      title: typeof e['title'] === 'string' ? e['title'].slice(0, 200) : '',
      description: typeof e['description'] === 'string' ? e['description'].slice(0, 500) : '',
    });
  }
  return out;
}
