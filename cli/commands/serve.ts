// `tidings serve` and `tidings worker`: the web server alone, or the workers alone, so they scale apart.
import type { Command } from 'commander';
import { runningBuild } from '../../node/build-kind';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'run the web server only: the edge app plus the Node-only operator tools (queue board, preview, test send, metrics), which read the queues but run no jobs; run workers elsewhere with `tidings worker`',
    )
    .action(async () => {
      const { main } = await import('../../node/main');
      await main(
        { server: true, workers: false },
        ({ config }) =>
          `Tidings edge app at ${config.PUBLIC_BASE_URL} (no workers in this process; start them with \`npx tidings worker\`; ${runningBuild()} build). Stop: Ctrl-C`,
      );
    });
  program
    .command('worker')
    .description('run the workers only (planning, sending, ingest); the edge app runs elsewhere with `tidings serve`')
    .action(async () => {
      const { main } = await import('../../node/main');
      await main(
        { server: false, workers: true },
        ({ config }) =>
          `Tidings workers running (${config.usesDevOutbox ? 'mail to the dev outbox' : 'mail through Resend'}; ${runningBuild()} build). Stop: Ctrl-C`,
      );
    });
}
