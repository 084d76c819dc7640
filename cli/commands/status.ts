// `tidings status [EDITION]`: recent editions at a glance, or one edition in detail with its failures.
import type { Command } from 'commander';
import type { EditionSummary } from '../../src/contracts';
import { editionSummary, failedDeliveries, listEditions } from '../../src/store/deliveries';
import { CliError, withServices } from '../context';

export function registerStatus(program: Command): void {
  program
    .command('status [edition]')
    .description('what happened: recent editions, or one edition with the reasons of its failures')
    .option('--json', 'print JSON')
    .action(async (edition: string | undefined, options: { json?: boolean }) => {
      await withServices(async ({ db }) => {
        if (!edition) {
          const editions = await listEditions(db, 20);
          if (options.json) return console.log(JSON.stringify(editions, null, 2));
          if (editions.length === 0) return console.log('No editions yet. Send one: npx tidings send-now --schedule NAME (or --to EMAIL).');
          for (const e of editions) console.log(summaryLine(e));
          return;
        }
        const summary = await editionSummary(db, edition);
        if (!summary) throw new CliError(`There is no edition "${edition}". See the recent ones with: npx tidings status`, 1);
        const failures = await failedDeliveries(db, edition, 20);
        if (options.json) return console.log(JSON.stringify({ ...summary, failures }, null, 2));
        console.log(summaryLine(summary));
        if (failures.length > 0) {
          console.log('Failures (first 20):');
          for (const f of failures) console.log(`  ${f.subscriberId}: ${f.reason}`);
        }
      });
    });
}

export function summaryLine(e: EditionSummary): string {
  const state = !e.planning_done ? 'planning' : e.queued > 0 ? 'sending' : 'done';
  return `${e.id.padEnd(28)} ${state.padEnd(9)} planned ${e.planned}  sent ${e.sent}  failed ${e.failed}  skipped ${e.skipped}  queued ${e.queued}  bounced ${e.bounced}  complained ${e.complained}`;
}
