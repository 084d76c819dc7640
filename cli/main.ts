// `npx tidings <command>`: the operator's commands. Each command lives in its own file.
import { Command } from 'commander';
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
import { CliError } from './context';

const program = new Command()
  .name('tidings')
  .description('Tidings: personal briefing emails. Reads its configuration from the environment (see docs/configuration.md).')
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

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CliError)) throw error;
  console.error(error.message);
  process.exitCode = error.exitCode;
}
