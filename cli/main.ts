// `npx tidings <command>`: the operator's commands. Each command lives in its own file.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { loadEnvFile } from '../node/env-file';
import { registerStart } from './commands/start';
import { registerSources } from './commands/sources';
import { registerRank } from './commands/rank';
import { registerSendNow } from './commands/send-now';
import { registerQuarantine } from './commands/quarantine';
import { registerLink } from './commands/link';
import { registerServe } from './commands/serve';
import { registerSchedule } from './commands/schedule';
import { registerSubscribers } from './commands/subscribers';
import { registerStatus } from './commands/status';
import { registerDoctor } from './commands/doctor';
import { registerDiscover } from './commands/discover';
import { registerMigrate } from './commands/migrate';
import { CliError } from './context';

// Output piped into `head` or `less` that closes early is not an error: stop quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

try {
  loadEnvFile();
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command()
  .name('tidings')
  .description(
    'Tidings: personal briefing emails. Reads its configuration from the environment and from ./.env (see docs/configuration.md).',
  )
  .version(version, '-V, --version', 'print the version of Tidings')
  .showHelpAfterError();

registerStart(program);
registerSources(program);
registerRank(program);
registerSendNow(program);
registerQuarantine(program);
registerLink(program);
registerServe(program);
registerSchedule(program);
registerSubscribers(program);
registerStatus(program);
registerDoctor(program);
registerDiscover(program);
registerMigrate(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CliError)) throw error;
  console.error(error.message);
  process.exitCode = error.exitCode;
}
