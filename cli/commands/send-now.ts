// `tidings send-now --to EMAIL` (a one-reader edition) or `--schedule NAME` (that schedule's edition, now),
// with a live progress bar (planned / sent / failed) until the edition is done, then a summary.
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { emailAddress, type EditionSummary } from '../../src/contracts';
import { editionSummary, getDelivery, markPlanningDone, registerEdition } from '../../src/store/deliveries';
import { getSchedule, listSchedules } from '../../src/store/schedules';
import { editionId, localTime } from '../../src/core/schedule/schedule-time';
import { ensureSubscriber, findSubscriberByEmail } from '../../src/store/subscribers';
import type { Services } from '../../node/services';
import { openQueues, queueNames, type Queues } from '../../workers/queues';
import { planBatch, type PlanResult } from '../../workers/plan-edition';
import { CliError, withServices } from '../context';
import { wholeNumber } from '../whole-number';
import { summaryLine } from './status';

const POLL_MS = 250;

export function registerSendNow(program: Command): void {
  program
    .command('send-now')
    .description("send a briefing now: to one address (--to), or a schedule's edition to every reader (--schedule)")
    .option('--to <email>', 'the address to send one briefing to (created as a subscriber if new)')
    .option('--schedule <name>', "plan and send this schedule's edition for today, to every reader, now")
    .option('--timeout <seconds>', 'give up waiting after this long (the edition keeps going)', '600')
    .action(async (options: { to?: string; schedule?: string; timeout: string }) => {
      if (!options.to === !options.schedule)
        throw new CliError('Give either --to EMAIL or --schedule NAME (see npx tidings send-now --help).', 2);
      const timeoutMs = wholeNumber('--timeout', options.timeout, 1) * 1000;
      let to: string | undefined;
      if (options.to) {
        const email = emailAddress.safeParse(options.to);
        if (!email.success) throw new CliError(`--to ${email.error.issues[0]?.message ?? 'is not valid'} (got "${options.to}")`, 2);
        to = email.data;
      }
      await withServices(async (services) => {
        const queues = openQueues(services.queueConnection, services.config.QUEUE_PREFIX, {
          attempts: services.config.SEND_ATTEMPTS,
          backoffMs: services.config.SEND_BACKOFF_MS,
        });
        try {
          if ((await queues.sendBatch.getWorkersCount()) === 0) {
            console.log('No worker is running yet: start one with `npm start` (or `npx tidings worker`) and the briefing goes out.');
          }
          if (to) await sendToOne(services, queues, to, timeoutMs);
          else await sendSchedule(services, queues, options.schedule!, timeoutMs);
        } finally {
          await queues.close();
        }
      });
    });
}

async function sendToOne({ config, db, now }: Services, queues: Queues, email: string, timeoutMs: number): Promise<void> {
  const known = await findSubscriberByEmail(db, email);
  if (known && known.status !== 'active') {
    // Refused before any edition exists, so nothing empty is left behind in the status list.
    const why =
      known.status === 'unsubscribed'
        ? 'they unsubscribed, and Tidings never mails them again'
        : 'their address bounced or complained, so mailing it would hurt your sending reputation';
    throw new CliError(
      `Nothing sent: ${known.email} (${known.id}) is ${known.status}: ${why}. Send to an active reader (see npx tidings subscribers list).`,
      1,
    );
  }
  const { subscriber, created } = await ensureSubscriber(db, { email }, now());
  const edition = `now-${compactTimestamp(now())}`;
  await registerEdition(db, edition, null, now());
  const { jobId } = await planBatch(
    { db, now, sendQueue: queues.sendBatch },
    { editionId: edition, batchId: `${edition}__p0`, subscriberIds: [subscriber.id], sentAt: now().getTime() },
  );
  await markPlanningDone(db, edition);
  console.log(
    `${created ? 'Created subscriber' : 'Subscriber'} ${subscriber.email} (${subscriber.id}); briefing queued for edition ${edition}.`,
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const delivery = await getDelivery(db, edition, subscriber.id);
    if (delivery && delivery.status !== 'queued') {
      if (delivery.status === 'sent') {
        // The record turns 'sent' a moment before the job stores its result; wait for that result (up to 10 s on a busy machine).
        let result: { articles?: number } | undefined;
        for (let i = 0; i < 200 && result === undefined && jobId; i++) {
          result = (await queues.sendBatch.getJob(jobId))?.returnvalue as { articles?: number } | undefined;
          if (result === undefined) await sleep(50);
        }
        const where = config.usesDevOutbox ? `the dev outbox: ${config.PUBLIC_BASE_URL}/dev/outbox` : 'Resend';
        console.log(`Sent a briefing of ${result?.articles ?? 'its'} articles to ${subscriber.email} through ${where}`);
      } else {
        console.log(`Nothing sent to ${subscriber.email}: ${delivery.reason}.`);
        if (delivery.status === 'failed') process.exitCode = 1;
      }
      return;
    }
    if (Date.now() > deadline)
      throw new CliError(`The briefing is still queued after ${timeoutMs / 1000} s. Is a worker running (npm start)?`, 1);
    await sleep(POLL_MS);
  }
}

async function sendSchedule({ db, now }: Services, queues: Queues, name: string, timeoutMs: number): Promise<void> {
  const schedule = await getSchedule(db, name);
  if (!schedule) {
    const names = (await listSchedules(db)).map((s) => s.name);
    throw new CliError(
      `There is no schedule named "${name}". ${names.length ? `Schedules: ${names.join(', ')}.` : 'Add one first: npx tidings schedule add --name morning --cron "0 7 * * 1-5" --tz Europe/Berlin'}`,
      1,
    );
  }
  const at = Math.floor(now().getTime() / 60_000) * 60_000;
  const job = await queues.planEdition.add(
    queueNames.planEdition,
    { schedule: name, at, now: true },
    { jobId: `plan__${name}__now-${at}-${Math.random().toString(36).slice(2, 8)}` },
  );
  console.log(`Planning the ${name} edition now${schedule.paused ? ' (the schedule is paused; this send goes out anyway)' : ''}…`);

  const bar = new SingleBar(
    {
      format: '{bar} {value}/{total} done | planned {planned} | sent {sent} | failed {failed} | skipped {skipped}',
      hideCursor: true,
      clearOnComplete: false,
    },
    undefined,
  );
  // The bar appears once planning has a count: a bar started at 0/0 draws as complete.
  let barStarted = false;
  const deadline = Date.now() + timeoutMs;
  let summaries: EditionSummary[] = [];
  try {
    for (;;) {
      const state = await job.getState();
      const planResult = (await queues.planEdition.getJob(job.id!))?.returnvalue as PlanResult | undefined;
      const editions = planResult?.editions ?? [];
      summaries = (await Promise.all(editions.map((e) => editionSummary(db, e)))).filter((e): e is EditionSummary => e !== null);
      const total = sum(summaries, 'planned');
      const done = sum(summaries, 'sent') + sum(summaries, 'failed') + sum(summaries, 'skipped');
      const counts = { planned: total, sent: sum(summaries, 'sent'), failed: sum(summaries, 'failed'), skipped: sum(summaries, 'skipped') };
      if (!barStarted && total > 0) {
        bar.start(total, done, counts);
        barStarted = true;
      } else if (barStarted) {
        bar.setTotal(total);
        bar.update(done, counts);
      }
      if (state === 'failed')
        throw new CliError(
          `Planning failed: ${(await queues.planEdition.getJob(job.id!))?.failedReason ?? 'unknown reason'}. See npx tidings status.`,
          1,
        );
      if (state === 'completed' && summaries.every((s) => s.queued === 0)) break;
      if (Date.now() > deadline)
        throw new CliError(`Still sending after ${timeoutMs / 1000} s; the edition keeps going. Watch it with: npx tidings status`, 1);
      await sleep(POLL_MS);
    }
  } finally {
    if (barStarted) bar.stop();
  }
  if (summaries.length === 0) {
    // A fixed zone has one edition a day: if it was planned already, say how it went instead.
    const today =
      schedule.tz === 'subscriber' ? null : await editionSummary(db, editionId(name, localTime(new Date(at), schedule.tz).date));
    if (today) {
      console.log(`The ${today.id} edition was planned already, so no reader gets it twice:`);
      console.log(summaryLine(today));
    } else {
      console.log(`Nothing to send: no active reader is due in the ${name} edition.`);
    }
    return;
  }
  console.log('Done.');
  for (const s of summaries) console.log(summaryLine(s));
  const failed = sum(summaries, 'failed');
  if (failed > 0) {
    console.log(`${failed} deliveries failed; see the reasons with: npx tidings status ${summaries[0]!.id}`);
    process.exitCode = 1;
  }
}

function sum(rows: EditionSummary[], field: 'planned' | 'sent' | 'failed' | 'skipped'): number {
  return rows.reduce((n, r) => n + r[field], 0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function compactTimestamp(at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}
