// `tidings quarantine`: feed items refused by the article contract, with the reasons.
import type { Command } from 'commander';
import { listQuarantine } from '../../src/store/articles';
import { withServices } from '../context';

export function registerQuarantine(program: Command): void {
  program
    .command('quarantine')
    .description('list feed items refused by the article contract, newest first, with the reasons')
    .option('--limit <n>', 'how many to show', '50')
    .option('--json', 'print JSON lines')
    .action(async (options: { limit: string; json?: boolean }) => {
      await withServices(async ({ db }) => {
        const items = await listQuarantine(db, Math.max(1, Number(options.limit) || 50));
        if (options.json) {
          for (const item of items) console.log(JSON.stringify(item));
          return;
        }
        if (items.length === 0) console.log('No quarantined items.');
        for (const item of items) {
          const link = (item.item as { link?: string } | null)?.link ?? '(no link)';
          console.log(`${item.at}  ${item.source}  ${link}\n    ${item.reasons.join('\n    ')}`);
        }
      });
    });
}
