// `tidings quarantine`: feed items refused by the article contract, with the reasons.
import type { Command } from 'commander';
import { printable } from '../../src/core/printable';
import { listQuarantine, type QuarantinedItem } from '../../src/store/articles';
import { withServices } from '../context';
import { wholeNumber } from '../whole-number';
import { printRows } from '../table';

/** What an operator recognises an item by: its link, else its title, else nothing (the reasons say why). */
function itemLabel(item: QuarantinedItem): string {
  const fields = (item.item ?? {}) as { link?: unknown; url?: unknown; title?: unknown };
  const label = [fields.link, fields.url, fields.title].find((v) => typeof v === 'string' && v.trim() !== '');
  return typeof label === 'string' ? printable(label) : '';
}

export function registerQuarantine(program: Command): void {
  program
    .command('quarantine')
    .description('list feed items refused by the article contract, newest first, with the reasons')
    .option('--limit <n>', 'how many to show', '50')
    .option('--json', 'print JSON lines')
    .action(async (options: { limit: string; json?: boolean }) => {
      await withServices(async ({ db }) => {
        const items = await listQuarantine(db, wholeNumber('--limit', options.limit, 1));
        if (items.length === 0 && !options.json) {
          console.log('No quarantined items: every feed item so far met the article contract.');
          return;
        }
        printRows(
          items,
          [
            { header: 'when', value: (i) => printable(i.at) },
            { header: 'source', value: (i) => printable(i.source) },
            { header: 'item', value: itemLabel },
            { header: 'why', value: (i) => i.reasons.map((r) => printable(r)).join('; ') },
          ],
          options.json,
        );
      });
    });
}
