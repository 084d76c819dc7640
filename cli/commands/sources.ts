// `tidings sources add|list|rm`: the feeds Tidings polls, for operators.
import type { Command } from 'commander';
import { contentTypes, feedLocation, sourceSchema, type ContentType } from '../../src/contracts';
import { countArticles } from '../../src/store/articles';
import { sourceEngagement } from '../../src/store/interest';
import { getSource, getSourceState, listSources, removeSource, saveSource } from '../../src/store/sources';
import { openQueues, pollSchedulerId } from '../../workers/queues';
import { removePoll } from '../../workers/plan-polling';
import { findFeed } from '../../workers/discovery/find-feed';
import { discoveryFetcher } from '../../workers/discovery/fetcher';
import { CliError, withServices } from '../context';
import { sourceIdFor } from '../../src/core/discovery/autodiscovery';
import { describeFound, queueFirstFetch, registerSourceDiscovery } from './sources-discovery';
import { table } from '../table';

export function registerSources(program: Command): void {
  const sources = program.command('sources').description('add, list and remove the feeds Tidings polls');

  sources
    .command('add')
    .argument('<url>', 'a feed (RSS, Atom or JSON Feed) or any web page whose site has one')
    .option('--content-type <type>', `the content type of items that do not declare one (${contentTypes.join(', ')})`)
    .option('--id <id>', 'the source id (lowercase letters, digits, dashes); made from the feed URL when left out')
    .option('--title <title>', "a name readers see in briefings (default: the feed's own title)")
    .description('find the feed behind a URL, fetch it, and add it')
    .action(async (url: string, options: { contentType?: string; id?: string; title?: string }) => {
      const location = feedLocation.safeParse(url);
      if (!location.success) throw new CliError(`URL ${location.error.issues[0]?.message} (got "${url}")`, 2);
      if (options.contentType !== undefined && !(contentTypes as readonly string[]).includes(options.contentType)) {
        throw new CliError(`--content-type must be one of ${contentTypes.join(', ')} (got "${options.contentType}")`, 2);
      }
      if (options.id !== undefined && !sourceSchema.shape.id.safeParse(options.id).success)
        throw new CliError(`--id must be lowercase letters, digits and dashes, at most 64 (got "${options.id}")`, 2);
      await withServices(async ({ config, db, queueConnection }) => {
        let feedUrl = url;
        let title = options.title ?? '';
        if (!url.startsWith('sample:')) {
          // Fetched through the ingest fetcher before answering: an operator learns now, not from `sources list` later.
          const found = await findFeed(
            url,
            discoveryFetcher(db, config, () => new Date(), Infinity),
          );
          if (!found.ok) throw new CliError(`Not added: ${found.reason}`, 1);
          console.log(describeFound(found));
          feedUrl = found.feed_url;
          title = options.title ?? found.title;
        }
        const id = options.id ?? sourceIdFor(feedUrl);
        const parsed = sourceSchema.safeParse({
          id,
          url: feedUrl,
          title,
          default_content_type: (options.contentType as ContentType | undefined) ?? null,
          added_at: new Date().toISOString(),
        });
        if (!parsed.success) throw new CliError(`--id ${parsed.error.issues[0]?.message} (got "${id}")`, 2);
        const existing = await getSource(db, id);
        if (existing)
          throw new CliError(
            `A source with id "${id}" already exists (${existing.url}). Remove it first (tidings sources rm ${id}) or pass another --id.`,
            1,
          );
        const same = (await listSources(db)).find((s) => s.url === feedUrl);
        if (same) throw new CliError(`Tidings already polls ${feedUrl} as source "${same.id}".`, 1);
        await saveSource(db, parsed.data);
        await queueFirstFetch(config, queueConnection, id);
      });
    });

  sources
    .command('list')
    .description('every source with its fetch state, polling interval and reader engagement')
    .option('--json', 'print JSON lines')
    .action(async (options: { json?: boolean }) => {
      await withServices(async ({ config, db, queueConnection }) => {
        const all = await listSources(db);
        const queues = openQueues(queueConnection, config.QUEUE_PREFIX);
        try {
          const schedulers = new Map((await queues.ingest.getJobSchedulers(0, -1)).map((s) => [s.key, Number(s.every ?? 0)]));
          const engagement = await sourceEngagement(db);
          const rows = await Promise.all(
            all.map(async (s) => ({
              ...s,
              state: await getSourceState(db, s.id),
              poll_minutes: (schedulers.get(pollSchedulerId(s.id)) ?? 0) / 60_000 || null,
              engaged: (engagement.get(s.id) ?? 0) > 0,
            })),
          );
          if (options.json) {
            for (const row of rows) console.log(JSON.stringify(row));
            return;
          }
          if (rows.length === 0) console.log('No sources yet. Add one: npx tidings sources add https://example.com/feed.xml');
          if (rows.length > 0) {
            console.log(
              table(rows, [
                { header: 'id', value: (r) => r.id },
                { header: 'url', value: (r) => r.url },
                { header: 'default type', value: (r) => r.default_content_type },
                { header: 'polled every', value: (r) => (r.poll_minutes ? `${r.poll_minutes} min` : 'not scheduled') },
                { header: 'engaged', value: (r) => (r.engaged ? 'yes' : 'not yet') },
                {
                  header: 'health',
                  value: (r) =>
                    r.state.last_error
                      ? `failing (${r.state.failures}x, next try ${r.state.next_attempt_at}): ${r.state.last_error}`
                      : r.state.last_success_at
                        ? `ok, last fetched ${r.state.last_success_at}`
                        : 'not fetched yet',
                },
              ]),
            );
          }
          console.log(`${rows.length} sources, ${await countArticles(db)} articles.`);
        } finally {
          await queues.close();
        }
      });
    });

  sources
    .command('rm')
    .argument('<id>', 'the source id (see tidings sources list)')
    .description('stop polling a source; its articles already stored stay')
    .action(async (id: string) => {
      await withServices(async ({ config, db, queueConnection }) => {
        const queues = openQueues(queueConnection, config.QUEUE_PREFIX);
        try {
          if (!(await removeSource(db, id))) throw new CliError(`No source with id "${id}". See tidings sources list.`, 1);
          await removePoll(queues, id);
          console.log(`Removed source ${id}; it is no longer polled. Articles it brought stay.`);
        } finally {
          await queues.close();
        }
      });
    });

  registerSourceDiscovery(sources);
}
