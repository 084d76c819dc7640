// `tidings migrate`: move an installation's data to the key layout that spreads on Redis Cluster (node/migrate-layout.ts).
import type { Command } from 'commander';
import { migrateLayout } from '../../node/migrate-layout';
import { withServices } from '../context';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('move data written by an older Tidings to the current key layout (run against the one Redis it lives on)')
    .action(async () => {
      await withServices(async ({ db, queueConnection, config, log }) => {
        const report = await migrateLayout(db, queueConnection, config.QUEUE_PREFIX, log);
        if (report.alreadyDone) {
          console.log('Nothing to move: the data is in the current layout.');
          return;
        }
        console.log(
          `Moved ${report.renamed} keys, split ${report.split} editions' delivery records into reader buckets, ` +
            `moved ${report.jobs} queued jobs to their queue's own prefix.`,
        );
        for (const conflict of report.conflicts) console.log(`  left in place: ${conflict}`);
      });
    });
}
