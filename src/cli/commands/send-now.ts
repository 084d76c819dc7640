// `tidings send-now --to EMAIL`: send one briefing to one address now, creating the subscriber if needed.
import { QueueEvents } from 'bullmq';
import type { Command } from 'commander';
import { emailAddress } from '../../contracts';
import { ensureSubscriber } from '../../store/subscribers';
import { briefingJobId, openQueues, queueNames } from '../../../workers/queues';
import { CliError, withServices } from '../context';

const WAIT_MS = 60_000;

export function registerSendNow(program: Command): void {
  program
    .command('send-now')
    .description('send a briefing now')
    .requiredOption('--to <email>', 'the address to send one briefing to (created as a subscriber if new)')
    .action(async (options: { to: string }) => {
      const email = emailAddress.safeParse(options.to);
      if (!email.success) throw new CliError(`--to ${email.error.issues[0]?.message ?? 'is not valid'} (got "${options.to}")`, 2);
      await withServices(async ({ config, db, queueConnection, now }) => {
        const { subscriber, created } = await ensureSubscriber(db, { email: email.data }, now());
        const job = { subscriber_id: subscriber.id, edition_id: `now-${compactTimestamp(now())}` };
        const queues = openQueues(queueConnection, config.QUEUE_PREFIX);
        const events = new QueueEvents(queueNames.briefing, { connection: queueConnection, prefix: config.QUEUE_PREFIX });
        try {
          await events.waitUntilReady();
          const added = await queues.briefing.add('briefing', job, { jobId: briefingJobId(job) });
          console.log(`${created ? 'Created subscriber' : 'Subscriber'} ${subscriber.email} (${subscriber.id}); briefing queued for edition ${job.edition_id}.`);
          if ((await queues.briefing.getWorkersCount()) === 0) {
            console.log('No worker is running yet: start one with `npm start` (or `npx tidings worker`) and the briefing goes out.');
          }
          let result: { status: string; reason?: string; articles?: number; message_id?: string };
          try {
            result = await added.waitUntilFinished(events, WAIT_MS);
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            if (/timed out/i.test(message)) throw new CliError(`The briefing is still queued after ${WAIT_MS / 1000} s. Is a worker running (npm start)?`, 1);
            throw new CliError(`The briefing could not be sent: ${message}`, 1);
          }
          if (result.status === 'sent') {
            const where = config.usesDevOutbox ? `the dev outbox: ${config.PUBLIC_BASE_URL}/dev/outbox` : 'Resend';
            console.log(`Sent a briefing of ${result.articles} articles to ${subscriber.email} through ${where}`);
          } else {
            console.log(`Nothing sent to ${subscriber.email}: ${result.reason}.`);
          }
        } finally {
          await events.close();
          await queues.close();
        }
      });
    });
}

function compactTimestamp(at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}
