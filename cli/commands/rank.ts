// `tidings rank`: the ranked candidates for one subscriber (from Redis), or a stateless offline
// replay of JSON lines (`--input FILE`, `-` for stdin) through the same learner and ranker.
import type { Command } from 'commander';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ConfigError, loadConfig } from '../../src/env';
import { interestSettingsFrom, rankSettingsFrom } from '../../src/core/interest/interest-settings';
import { rankOfflineLine } from '../../src/core/interest/offline-rank';
import { rankForSubscriber } from '../../workers/briefing/select-articles';
import { CliError, withServices } from '../context';
import { wholeNumber } from '../whole-number';
import { resolveSubscriber } from '../subscriber-ref';

interface RankOptions {
  subscriber?: string;
  input?: string;
  limit?: string;
  json?: boolean;
}

export function registerRank(program: Command): void {
  program
    .command('rank')
    .description('rank candidate articles: for a subscriber (--subscriber ID or EMAIL), or offline from JSON lines (--input FILE)')
    .option(
      '--subscriber <id-or-email>',
      'print the ranked candidates for this subscriber (sub_… or reader@example.com), with scores and reasons',
    )
    .option('--input <file>', 'replay JSON lines statelessly ("-" reads stdin); prints one JSON line per input line')
    .option('--limit <n>', 'with --subscriber: show at most this many (default: every candidate that passes the filters)')
    .option('--json', 'with --subscriber: print JSON lines')
    .action(async (options: RankOptions) => {
      if (!!options.subscriber === !!options.input)
        throw new CliError('Give exactly one of --subscriber ID or --input FILE (see `tidings rank --help`).', 2);
      if (options.input) return rankInput(options.input);
      return rankSubscriber(options.subscriber!, options);
    });
}

async function rankSubscriber(id: string, options: RankOptions): Promise<void> {
  const limit = options.limit === undefined ? Infinity : wholeNumber('--limit', options.limit, 1);
  await withServices(async ({ config, db, now }) => {
    const subscriber = await resolveSubscriber(db, id);
    // Diversity caps apply to the first briefing-sized window, as in a real briefing.
    const settings = { ...rankSettingsFrom(config, config.BRIEFING_SIZE), limit };
    const { ranked, candidates } = await rankForSubscriber(db, subscriber, settings, now());
    if (options.json) {
      for (const r of ranked)
        console.log(
          JSON.stringify({ id: r.article.id, score: r.score, reasons: r.reasons, title: r.article.title, source: r.article.source }),
        );
      return;
    }
    console.log(`${ranked.length} of ${candidates.length} candidates for ${subscriber.email} (${subscriber.id}), best first:`);
    ranked.forEach((r, i) => {
      console.log(
        `${String(i + 1).padStart(3)}. ${r.score.toFixed(4)}  ${r.article.title}  [${r.article.source}, ${r.article.content_type}]\n       ${r.reasons.join('; ')}`,
      );
    });
  });
}

async function rankInput(file: string): Promise<void> {
  let interest;
  try {
    interest = interestSettingsFrom(loadConfig());
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, 1);
    throw error;
  }
  const stream = file === '-' ? process.stdin : createReadStream(file);
  const opened = new Promise<void>((resolve, reject) => {
    if (file === '-') return resolve();
    stream.once('open', () => resolve());
    stream.once('error', (error: NodeJS.ErrnoException) =>
      reject(new CliError(`Cannot read --input ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`, 1)),
    );
  });
  await opened;
  let lineNumber = 0;
  let failed = 0;
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    lineNumber++;
    if (line.trim() === '') continue;
    const result = rankOfflineLine(line, interest);
    if (result.ok) {
      process.stdout.write(`${JSON.stringify(result.output)}\n`);
    } else {
      failed++;
      console.error(`line ${lineNumber}${result.id ? ` (id ${result.id})` : ''} skipped: ${result.reasons.join('; ')}`);
    }
  }
  if (failed > 0) {
    console.error(`${failed} of ${lineNumber} lines could not be ranked; the others were.`);
    process.exitCode = 1;
  }
}
