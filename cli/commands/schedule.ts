// `tidings schedule add|list|rm|pause|resume`: briefing schedules, stored in Redis and applied by the workers.
import { Queue } from 'bullmq';
import type { Command } from 'commander';
import { scheduleInputSchema, type Schedule } from '../../src/contracts';
import { nextRun } from '../../src/core/schedule/next-run';
import { getSchedule, listSchedules, putSchedule, removeSchedule, setSchedulePaused } from '../../src/store/schedules';
import { queueNames, queuePrefix, scheduleSchedulerId } from '../../workers/queues';

import { CliError, withServices } from '../context';
import { table } from '../table';

export function registerSchedule(program: Command): void {
  const schedule = program.command('schedule').description('briefing schedules: add, list, rm, pause, resume');

  schedule
    .command('add')
    .description('create or replace a schedule, e.g. --name morning --cron "0 7 * * 1-5" --tz Europe/Berlin')
    .requiredOption('--name <name>', 'lowercase letters, digits and dashes, e.g. morning')
    .requiredOption('--cron <pattern>', 'five-field cron: minute hour day-of-month month day-of-week')
    .requiredOption('--tz <zone>', 'an IANA time zone (Europe/Berlin, UTC) or "subscriber" for each reader\'s own zone')
    .action(async (options: { name: string; cron: string; tz: string }) => {
      const parsed = scheduleInputSchema.safeParse({ name: options.name, cron: options.cron, tz: options.tz });
      if (!parsed.success) {
        // One line per bad option: the value given, then what is wrong and what a good value looks like.
        throw new CliError(
          parsed.error.issues
            .map((i) => `--${String(i.path[0])} "${(options as Record<string, string>)[String(i.path[0])]}": ${i.message}`)
            .join('\n'),
          2,
        );
      }
      await withServices(async ({ db, now }) => {
        const { schedule: saved, created } = await putSchedule(db, parsed.data, now());
        console.log(`${created ? 'Added' : 'Replaced'} schedule ${describe(saved)}.`);
        console.log(`Next run: ${nextRunText(saved, now())}. A running worker applies the change within a few seconds.`);
      });
    });

  schedule
    .command('list')
    .description('every schedule, its state and its next run')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withServices(async ({ db, config, queueConnection, now }) => {
        const schedules = await listSchedules(db);
        const queue = new Queue(queueNames.planEdition, {
          connection: queueConnection,
          prefix: queuePrefix(config.QUEUE_PREFIX, queueNames.planEdition),
        });
        try {
          const applied = new Map((await queue.getJobSchedulers(0, -1)).map((s) => [s.key, s]));
          const rows = schedules.map((s) => ({
            ...s,
            applied: applied.has(scheduleSchedulerId(s.name)),
            next: s.paused ? null : (nextRun(s, now())?.toISOString() ?? null),
          }));
          if (options.json) return console.log(JSON.stringify(rows, null, 2));
          if (rows.length === 0)
            return console.log(
              'No schedules yet. Add one: npx tidings schedule add --name morning --cron "0 7 * * 1-5" --tz Europe/Berlin',
            );
          console.log(
            table(rows, [
              { header: 'name', value: (r) => r.name },
              { header: 'cron', value: (r) => r.cron },
              { header: 'time zone', value: (r) => r.tz },
              {
                header: 'state',
                value: (r) =>
                  r.paused
                    ? r.paused_reason
                      ? `paused: ${r.paused_reason}`
                      : 'paused'
                    : r.applied
                      ? 'active'
                      : 'active (not yet applied: is a worker running?)',
              },
              { header: 'next run', value: (r) => (r.paused ? '—' : nextRunLocal(r, now())) },
            ]),
          );
        } finally {
          await queue.close();
        }
      });
    });

  for (const [verb, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    schedule
      .command(`${verb} <name>`)
      .description(paused ? 'stop a schedule from planning editions until resumed' : 'let a paused schedule plan editions again')
      .action(async (name: string) => {
        await withServices(async ({ db, now }) => {
          const updated = await setSchedulePaused(db, name, paused, now());
          if (!updated) throw await noSuchSchedule(db, name);
          console.log(`Schedule ${name} ${paused ? 'paused' : `resumed; next run: ${nextRunText(updated, now())}`}.`);
        });
      });
  }

  schedule
    .command('rm <name>')
    .description('remove a schedule (editions already planned still go out)')
    .action(async (name: string) => {
      await withServices(async ({ db }) => {
        if (!(await removeSchedule(db, name))) throw await noSuchSchedule(db, name);
        console.log(`Removed schedule ${name}.`);
      });
    });
}

function describe(s: Schedule): string {
  return `${s.name}: "${s.cron}" ${s.tz === 'subscriber' ? "in each reader's own time zone" : `in ${s.tz}`}`;
}

function nextRunText(s: Schedule, now: Date): string {
  if (s.tz === 'subscriber') return `each reader at the pattern's time in their zone (checked every 15 minutes)`;
  const next = nextRun(s, now);
  return next ? `${next.toISOString()} (UTC)` : 'none within a year';
}

/** The next run in the schedule's own zone (what the operator wrote the cron in), with UTC beside it. */
function nextRunLocal(s: Schedule, now: Date): string {
  if (s.tz === 'subscriber') return "each reader's local time";
  const next = nextRun(s, now);
  if (!next) return 'none within a year';
  const local = new Intl.DateTimeFormat('en-CA', {
    timeZone: s.tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    weekday: 'short',
  }).format(next);
  return `${local} ${s.tz} (${next.toISOString().slice(0, 16)}Z)`;
}

async function noSuchSchedule(db: Parameters<typeof getSchedule>[0], name: string): Promise<CliError> {
  const names = (await listSchedules(db)).map((s) => s.name);
  return new CliError(
    `There is no schedule named "${name}". ${names.length ? `Schedules: ${names.join(', ')}.` : 'There are no schedules yet.'} See: npx tidings schedule list`,
    1,
  );
}
