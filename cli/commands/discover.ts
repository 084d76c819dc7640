// `tidings discover`: one discovery round now (the workers also run one every DISCOVERY_INTERVAL_MINUTES).
import type { Command } from 'commander';
import { printable } from '../../src/core/printable';
import { discoverRound } from '../../workers/discovery/round';
import { searchProviderFrom } from '../../workers/discovery/search';
import { createFeedParser } from '../../workers/parse-feed';
import { withServices } from '../context';

export function registerDiscover(program: Command): void {
  program
    .command('discover')
    .description('run one discovery round now: find candidate sources and articles, score them for readers, print a summary')
    .option('--json', 'print the summary as one JSON object')
    .action(async (options: { json?: boolean }) => {
      await withServices(async ({ config, db, log }) => {
        const search = searchProviderFrom(config);
        // Feeds found on the way are strangers' documents: read on parsing threads, each within its budget.
        const parser = createFeedParser({ threads: 1, budgetMs: config.FEED_PARSE_TIMEOUT_MS, log });
        let s;
        try {
          s = await discoverRound({ db, log, now: () => new Date(), config, search, parser });
        } finally {
          await parser.close();
        }
        if (options.json) {
          console.log(printable(JSON.stringify(s)));
          return;
        }
        console.log(`Discovery round for ${s.readers} readers:`);
        console.log(
          `  search: ${search ? `${s.searches} queries to ${search.name}${s.queries.length ? ` (${s.queries.map((q) => `"${q}"`).join(', ')})` : ''}` : 'off (set SEARCH_URL, see docs/discovery.md)'}; ${s.found_articles} new articles, ${s.quarantined} results quarantined`,
        );
        console.log(
          `  sites: ${s.candidates} candidates, ${s.sampled} feeds sampled, ${s.suggested} new suggestions, ${s.auto_added.length} added automatically`,
        );
        console.log(`  fetches: ${s.fetches}${s.stopped ? `; stopped early: ${s.stopped}` : ''}`);
        for (const p of s.problems) console.log(`  problem: ${printable(p)}`);
        if (s.suggested > 0) console.log('See them: npx tidings sources suggestions');
      });
    });
}
