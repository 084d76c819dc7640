// `tidings sources import|export|suggestions|accept|dismiss`: OPML in and out, and the sources
// discovery suggests, for operators.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { ConnectionOptions } from 'bullmq';
import { contentTypes, feedLocation, sourceSchema, type ContentType } from '../../src/contracts';
import type { Config } from '../../src/env';
import { feedsFromOpml, opmlFromFeeds } from '../../src/core/discovery/opml';
import { acceptSuggestion, dismissSuggestion, findSuggestion, listSuggestions } from '../../src/store/discovery';
import { getSource, listSources, saveSource } from '../../src/store/sources';
import { discoveryFetcher } from '../../workers/discovery/fetcher';
import { findFeed, type FoundFeed } from '../../workers/discovery/find-feed';
import { upsertPoll } from '../../workers/plan-polling';
import { openQueues, queueNames } from '../../workers/queues';
import { printable } from '../../src/core/printable';
import { CliError, withServices } from '../context';
import { printRows } from '../table';
import { sourceIdFor } from '../../src/core/discovery/autodiscovery';

/** What `sources add` found, in one line a person reads. */
export function describeFound(found: FoundFeed): string {
  const title = found.title ? `"${found.title}"` : '(untitled)';
  const newest = found.newest ? `, newest ${found.newest}` : ', no dated items';
  // "JSON Feed" names itself a feed; the others read "RSS feed", "Atom feed".
  const kind = found.kind === 'JSON Feed' ? found.kind : `${found.kind} feed`;
  return printable(`Found ${kind} ${title} at ${found.feed_url} (${found.how}): ${found.items.length} items${newest}.`);
}

/** Queue the first fetch of a new source and its polling, and say so. */
export async function queueFirstFetch(config: Config, connection: ConnectionOptions, id: string): Promise<void> {
  const queues = openQueues(connection, config.QUEUE_PREFIX);
  try {
    await queues.ingest.add(queueNames.ingest, { source_id: id }, { jobId: `add__${id}__${Date.now()}` });
    await upsertPoll(queues, id, config.POLL_INTERVAL_MINUTES);
    console.log(
      `Added source ${id}; first fetch queued, then polled every ${config.POLL_INTERVAL_MINUTES} minutes (more often as readers engage with it).`,
    );
    if ((await queues.ingest.getWorkersCount()) === 0)
      console.log('No worker is running yet: start one with `npm start` and the feed is fetched.');
  } finally {
    await queues.close();
  }
}

function contentTypeOption(value: string | undefined): ContentType | null {
  if (value === undefined) return null;
  if (!(contentTypes as readonly string[]).includes(value))
    throw new CliError(`--content-type must be one of ${contentTypes.join(', ')} (got "${value}")`, 2);
  return value as ContentType;
}

export function registerSourceDiscovery(sources: Command): void {
  sources
    .command('import')
    .argument('<file>', 'an OPML file (as feed readers export)')
    .option('--content-type <type>', `the content type of items that do not declare one (${contentTypes.join(', ')})`)
    .description('add every feed an OPML file lists; each is fetched first, and those that fail are reported')
    .action(async (file: string, options: { contentType?: string }) => {
      const type = contentTypeOption(options.contentType);
      let feeds;
      try {
        feeds = feedsFromOpml(await readFile(file, 'utf8'));
      } catch (error) {
        throw new CliError(`${file}: ${(error as Error).message}`, 2);
      }
      if (feeds.length === 0) throw new CliError(`${file} lists no feeds (no outline with an xmlUrl)`, 2);
      await withServices(async ({ config, db, queueConnection }) => {
        const fetcher = discoveryFetcher(db, config, () => new Date(), Infinity);
        const existing = new Set((await listSources(db)).map((s) => s.url));
        let added = 0;
        let failed = 0;
        for (const feed of feeds) {
          if (existing.has(feed.url)) {
            console.log(`= ${feed.url}: already a source`);
            continue;
          }
          // The file is someone else's: one outline's bad address is reported like any failed feed.
          const location = feedLocation.safeParse(feed.url);
          if (!location.success) {
            failed++;
            console.log(`✗ ${printable(feed.url, 200)}: the URL ${location.error.issues[0]?.message ?? 'is not valid'}`);
            continue;
          }
          const found = await findFeed(feed.url, fetcher);
          if (!found.ok) {
            failed++;
            console.log(`✗ ${found.reason}`);
            continue;
          }
          let id = sourceIdFor(found.feed_url);
          for (let n = 2; await getSource(db, id); n++) id = `${sourceIdFor(found.feed_url).slice(0, 60)}-${n}`;
          await saveSource(
            db,
            sourceSchema.parse({
              id,
              url: found.feed_url,
              title: feed.title || found.title,
              default_content_type: type,
              added_at: new Date().toISOString(),
            }),
          );
          existing.add(found.feed_url);
          added++;
          console.log(`✓ ${describeFound(found)}`);
          await queueFirstFetch(config, queueConnection, id);
        }
        console.log(`${added} added, ${failed} failed, ${feeds.length - added - failed} already there.`);
        if (failed > 0) process.exitCode = 1;
      });
    });

  sources
    .command('export')
    .description('print every http(s) source as an OPML document')
    .action(async () => {
      await withServices(async ({ db }) => {
        const all = (await listSources(db)).filter((s) => /^https?:/.test(s.url));
        process.stdout.write(
          opmlFromFeeds(
            all.map((s) => ({ url: s.url, title: s.title || s.id, site: null })),
            'Tidings sources',
            new Date(),
          ) + '\n',
        );
      });
    });

  sources
    .command('suggestions')
    .description('sources discovery suggests, best first, with how many readers would want each and why')
    .option('--json', 'print one JSON object per line: {"url","feed_url","title","score","readers","reason"}')
    .option('--all', 'include accepted and dismissed suggestions')
    .action(async (options: { json?: boolean; all?: boolean }) => {
      await withServices(async ({ db }) => {
        const list = await listSuggestions(db, options.all ? undefined : 'open');
        if (options.json) {
          printRows(list, [], true, (s) => ({
            url: s.url,
            feed_url: s.feed_url,
            title: s.title,
            score: s.score,
            readers: s.readers,
            reason: s.reason,
          }));
          return;
        }
        if (list.length === 0) {
          console.log('No suggestions yet. Run a discovery round: npx tidings discover');
          return;
        }
        // Titles and reasons come from other people's sites: printed escaped, as every stranger's text is.
        printRows(
          list,
          [
            { header: 'score', value: (s) => s.score.toFixed(2) },
            { header: 'readers', value: (s) => String(s.readers) },
            { header: 'site', value: (s) => printable(s.url) },
            { header: 'title', value: (s) => printable(s.title) },
            { header: 'why', value: (s) => printable(`${s.reason}${options.all ? ` [${s.status}]` : ''}`) },
          ],
          false,
        );
        console.log('Accept one: npx tidings sources accept URL [--content-type post]; or dismiss it: npx tidings sources dismiss URL');
      });
    });

  sources
    .command('accept')
    .argument('<url>', 'the suggested site (or its feed URL)')
    .option('--content-type <type>', `the content type of its items that do not declare one (${contentTypes.join(', ')})`)
    .description('add a suggested source and fetch it now')
    .action(async (url: string, options: { contentType?: string }) => {
      const type = contentTypeOption(options.contentType);
      await withServices(async ({ config, db, queueConnection }) => {
        const s = await findSuggestion(db, url);
        if (!s) throw new CliError(`No suggestion for ${url}. See npx tidings sources suggestions.`, 1);
        const source = await acceptSuggestion(db, s, type, new Date());
        console.log(`Accepted ${s.url}: ${s.title} (${s.feed_url}).`);
        if (!type && !s.typed)
          console.log(
            'Its items do not declare a content type: they are quarantined until you set one (sources rm, then accept again with --content-type).',
          );
        await queueFirstFetch(config, queueConnection, source.id);
      });
    });

  sources
    .command('dismiss')
    .argument('<url>', 'the suggested site (or its feed URL)')
    .description('dismiss a suggestion; discovery does not suggest that site again')
    .action(async (url: string) => {
      await withServices(async ({ db }) => {
        const s = await findSuggestion(db, url);
        if (!s) throw new CliError(`No suggestion for ${url}. See npx tidings sources suggestions.`, 1);
        await dismissSuggestion(db, s);
        console.log(`Dismissed ${s.url}; it will not be suggested again.`);
      });
    });
}
