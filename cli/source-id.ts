// A source's id, made from its feed's address when the operator gives none (sources add, import, accept).

/** A readable id from a feed URL: host and path, lowercase, dashes, at most 64 characters. */
export function idFromUrl(url: string): string {
  let base = url;
  try {
    const u = new URL(url);
    base = `${u.hostname.replace(/^www\./, '')}${u.pathname}`;
  } catch {
    base = url.replace(/^sample:/, '');
  }
  const slug = base
    .toLowerCase()
    .replace(/\.(xml|rss|atom|json)$/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return slug || 'source';
}
