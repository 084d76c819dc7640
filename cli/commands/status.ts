// `tidings status [EDITION]`: recent editions at a glance, or one edition in detail with its failures.
import type { Command } from 'commander';
import type { EditionSummary } from '../../src/contracts';
import { clickThrough } from '../../src/core/delivery/edition-stats';
import { editionClicks } from '../../src/store/edition-clicks';
import { editionSummary, failedDeliveries, listEditions } from '../../src/store/deliveries';
import { CliError, withServices } from '../context';
import { table } from '../table';

export function registerStatus(program: Command): void {
  program
    .command('status [edition]')
    .description('what happened: recent editions, or one edition with the reasons of its failures')
    .option('--json', 'print JSON')
    .action(async (edition: string | undefined, options: { json?: boolean }) => {
      await withServices(async ({ db }) => {
        if (!edition) {
          const editions = await listEditions(db, 20);
          const clicks = await editionClicks(
            db,
            editions.map((e) => e.id),
          );
          const rows = editions.map((e) => {
            const k = clicks.get(e.id);
            return { ...e, clicks: k?.clicks ?? 0, unique_clickers: k?.uniqueClickers ?? 0, automated_clicks: k?.automated ?? 0 };
          });
          if (options.json) return console.log(JSON.stringify(rows, null, 2));
          if (editions.length === 0) return console.log('No editions yet. Send one: npx tidings send-now --schedule NAME (or --to EMAIL).');
          console.log(
            table(rows, [
              { header: 'edition', value: (e) => e.id },
              { header: 'state', value: (e) => editionState(e) },
              { header: 'planned', value: (e) => e.planned },
              { header: 'sent', value: (e) => e.sent },
              { header: 'failed', value: (e) => e.failed },
              { header: 'skipped', value: (e) => e.skipped },
              { header: 'queued', value: (e) => e.queued },
              { header: 'bounced', value: (e) => e.bounced },
              { header: 'complained', value: (e) => e.complained },
              { header: 'clicks', value: (e) => e.clicks },
              { header: 'click-through', value: (e) => `${(clickThrough(e.unique_clickers, e.sent) * 100).toFixed(1)}%` },
              { header: 'automated', value: (e) => e.automated_clicks },
            ]),
          );
          console.log(
            'Clicks count people; automated clicks (mail scanners, prefetchers) are shown apart. One edition in detail: npx tidings status EDITION',
          );
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

function editionState(e: EditionSummary): string {
  return !e.planning_done ? 'planning' : e.queued > 0 ? 'sending' : 'done';
}

export function summaryLine(e: EditionSummary): string {
  const state = editionState(e);
  return `${e.id.padEnd(28)} ${state.padEnd(9)} planned ${e.planned}  sent ${e.sent}  failed ${e.failed}  skipped ${e.skipped}  queued ${e.queued}  bounced ${e.bounced}  complained ${e.complained}`;
}
