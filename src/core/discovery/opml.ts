// OPML import and export of sources, with feedsmith reading and writing the document.
import { generateOpml, parseOpml } from 'feedsmith';

export interface OpmlFeed {
  /** The feed's address (xmlUrl). */
  url: string;
  title: string;
  /** The site the feed belongs to (htmlUrl), when the document says. */
  site: string | null;
}

/** Every feed an OPML document lists, nested folders included, first occurrence of each URL. Throws on a document that is not OPML. */
export function feedsFromOpml(xml: string): OpmlFeed[] {
  let doc;
  try {
    doc = parseOpml(xml);
  } catch (error) {
    throw new Error(`not an OPML document: ${error instanceof Error ? error.message : String(error)}`);
  }
  const out: OpmlFeed[] = [];
  const seen = new Set<string>();
  type Outline = NonNullable<NonNullable<typeof doc.body>['outlines']>[number];
  const walk = (outlines: readonly Outline[] | undefined) => {
    for (const o of outlines ?? []) {
      const url = o.xmlUrl?.trim();
      if (url && !seen.has(url)) {
        seen.add(url);
        out.push({ url, title: (o.title ?? o.text ?? '').trim(), site: o.htmlUrl?.trim() || null });
      }
      walk(o.outlines);
    }
  };
  walk(doc.body?.outlines);
  return out;
}

/** An OPML 2.0 document listing these feeds. */
export function opmlFromFeeds(feeds: readonly OpmlFeed[], title: string, at: Date): string {
  return generateOpml({
    head: { title, dateCreated: at },
    body: {
      outlines: feeds.map((f) => ({
        text: f.title || f.url,
        title: f.title || f.url,
        type: 'rss',
        xmlUrl: f.url,
        ...(f.site ? { htmlUrl: f.site } : {}),
      })),
    },
  });
}
