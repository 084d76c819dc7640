// Start every worker; close() stops them taking jobs, lets running jobs finish, then closes queues.
import { Worker, type ConnectionOptions } from 'bullmq';
import type { Config } from '../src/env';
import type { LinkSigner } from '../src/core/links';
import type { Logger } from '../src/core/logger';
import type { Db } from '../src/store/keys';
import { ingestProcessor } from './ingest';
import { createLearner, type Learner } from './learn-events';
import { interestSettingsFrom } from '../src/core/interest-settings';
import { syncPollSchedules } from './poll-schedules';
import { createMailTransport, type MailTransport } from './mail-transport';
import { openQueues, queueNames, type Queues } from './queues';
import { sendBriefingProcessor } from './send-briefing';
import { startMagicLinkWorker } from './send-magic-link';

export interface WorkerDeps {
  config: Config;
  db: Db;
  /** BullMQ connection options; every worker opens its own blocking connection from these. */
  connection: ConnectionOptions;
  signer: LinkSigner;
  log: Logger;
  now: () => Date;
  transport?: MailTransport;
}

export interface RunningWorkers {
  queues: Queues;
  workers: Worker[];
  learner: Learner;
  close(): Promise<void>;
}

export async function startWorkers(deps: WorkerDeps): Promise<RunningWorkers> {
  const prefix = deps.config.QUEUE_PREFIX;
  const transport = deps.transport ?? createMailTransport(deps.config, deps.db, deps.now);
  const queues = openQueues(deps.connection, prefix);
  const common = { connection: deps.connection, prefix };
  const workers = [
    new Worker(queueNames.ingest, ingestProcessor({ ...deps, queues }), { ...common, concurrency: 4 }),
    new Worker(queueNames.briefing, sendBriefingProcessor({ ...deps, transport }), { ...common, concurrency: 8 }),
  ];
  const learner = createLearner({ db: deps.db, log: deps.log, settings: interestSettingsFrom(deps.config) });
  learner.start();
  await syncPollSchedules(deps, queues);
  for (const worker of workers) {
    worker.on('failed', (job, error) => deps.log.warn({ queue: worker.name, job: job?.id, attempts: job?.attemptsMade, err: error.message }, 'job failed'));
    worker.on('error', (error) => deps.log.error({ queue: worker.name, err: error.message }, 'worker error'));
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  const magicLink = await startMagicLinkWorker({ ...deps, transport }); // sign-in mail: a Redis Stream, not BullMQ (the edge app never imports BullMQ)
  return {
    queues,
    workers,
    learner,
    async close() {
      // Stop taking jobs and let running ones finish; a job cut off by a hard kill is re-run after its lock expires.
      await Promise.all([...workers.map((w) => w.close()), learner.close()]);
      await queues.close();
      await magicLink.close();
    },
  };
}
