// `npx tidings <command>`: the operator's commands. Each command lives in its own file.
import { Command } from 'commander';
import { registerStart } from './commands/start';
import { registerSendNow } from './commands/send-now';
import { registerQuarantine } from './commands/quarantine';

const program = new Command()
  .name('tidings')
  .description('Tidings: personal briefing emails. Reads its configuration from the environment (see README).')
  .showHelpAfterError();

registerStart(program);
registerSendNow(program);
registerQuarantine(program);

await program.parseAsync(process.argv);
