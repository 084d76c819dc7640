// `tidings subscribers import FILE.csv` and `tidings subscribers list`.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { printable } from '../../src/core/printable';
import { parseSubscriberCsv } from '../../src/core/subscribers/subscriber-csv';
import { countSubscribers, ensureSubscriber, saveSubscriber, subscribersPage } from '../../src/store/subscribers';
import { CliError, withServices } from '../context';

export function registerSubscribers(program: Command): void {
  const subscribers = program.command('subscribers').description('import and list subscribers');

  subscribers
    .command('import <file>')
    .description('import a CSV with the columns email,timezone,topics (topics separated by ; ); bad rows are reported by line')
    .action(async (file: string) => {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw new CliError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, 2);
      }
      await withServices(async ({ db, now }) => {
        let created = 0;
        let updated = 0;
        const refused: string[] = [];
        for (const row of parseSubscriberCsv(text)) {
          if (!row.ok) {
            refused.push(`  line ${row.line}: ${row.reason}`);
            continue;
          }
          const result = await ensureSubscriber(db, row.subscriber, now());
          if (result.created) {
            created++;
          } else {
            // An existing reader keeps their id, status and history; the file updates zone and topics.
            await saveSubscriber(db, { ...result.subscriber, timezone: row.subscriber.timezone ?? result.subscriber.timezone, topics: row.subscriber.topics ?? result.subscriber.topics });
            updated++;
          }
        }
        console.log(`Imported ${file}: ${created} new, ${updated} updated, ${refused.length} refused.`);
        if (refused.length > 0) {
          console.log(`Refused rows (fix them and import the file again; rows already imported are updated, not duplicated):\n${refused.join('\n')}`);
          process.exitCode = 1;
        }
      });
    });

  subscribers
    .command('list')
    .description('subscribers in the order they joined')
    .option('--limit <n>', 'how many to show', '50')
    .option('--offset <n>', 'skip this many', '0')
    .option('--json', 'print JSON lines')
    .action(async (options: { limit: string; offset: string; json?: boolean }) => {
      await withServices(async ({ db }) => {
        const limit = Math.max(1, Number(options.limit) || 50);
        const offset = Math.max(0, Number(options.offset) || 0);
        const total = await countSubscribers(db);
        const { subscribers: rows } = await subscribersPage(db, offset, limit);
        for (const s of rows) {
          if (!s) continue;
          // What readers and files supplied is printed escaped: a stored control sequence must not drive the terminal.
          if (options.json) console.log(printable(JSON.stringify(s)));
          else console.log(`${printable(s.email).padEnd(32)} ${s.status.padEnd(12)} ${printable(s.timezone).padEnd(20)} ${s.topics.map((t) => printable(t)).join(', ')}`);
        }
        if (!options.json) console.log(`${Math.min(offset + rows.length, total)} of ${total} subscribers shown${total > offset + rows.length ? ` (next page: --offset ${offset + rows.length})` : ''}.`);
      });
    });
}
