// `tidings start`: the edge app and every worker in one process (what `npm start` runs).
import type { Command } from 'commander';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run the edge app and all workers in one process (the embedded default)')
    .action(async () => {
      const { main, startBanner } = await import('../../node/main');
      await main({ server: true, workers: true }, startBanner);
    });
}
