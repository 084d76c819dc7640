// Start every worker; close() stops them taking jobs, lets running jobs finish, then closes queues.
import { Worker, type ConnectionOptions } from 'bullmq';
import type { Config } from '../src/env';
import type { LinkSigner } from '../src/core/links/links';
import type { Logger } from '../src/core/logger';
import type { Db } from '../src/store/keys';
import { ingestProcessor } from './ingest';
import { createFeedParser } from './parse-feed';
import { createLearner, type Learner } from './learn-events';
import { createClickJudge, ensureJudgeGroup, type ClickJudge } from './judge-clicks';
import { startEventTrimmer } from './trim-events';
import { startLearnedRollup } from './rollup-learned';
import { startDiscoverySchedule } from './discovery/schedule';
import { searchProviderFrom } from './discovery/search';
import { interestSettingsFrom } from '../src/core/interest/interest-settings';
import { planPollingProcessor, syncPollSchedules } from './plan-polling';
import { createMailTransport, type MailTransport } from './mail/transport';
import { openQueues, queueNames, queuePrefix, type Queues } from './queues';
import { startMagicLinkWorker } from './send-magic-link';
import { startWelcomeWorker } from './send-welcome';
import { createFastBriefingRenderer } from '../emails/fast-briefing';
import { planEditionProcessor } from './plan-edition';
import { startScheduleReconciler } from './schedule-reconciler';
import { giveUpBatch, sendBatchProcessor } from './send-batch';
import { adaptLimiter, backOff, createSendPacer, takeUpLimit } from './send-limiter';
import { startStageTiming } from './send-stages';
import { startLinkSigning } from './briefing/link-signing';
import { createSendActivity } from './send-activity';

export interface WorkerDeps {
  config: Config;
  db: Db;
  /** BullMQ connection options; every worker opens its own blocking connection from these. */
  connection: ConnectionOptions;
  signer: LinkSigner;
  log: Logger;
  now: () => Date;
  /** Where mail goes (default: from configuration, Resend or the dev outbox). */
  transport?: MailTransport;
}

export interface RunningWorkers {
  queues: Queues;
  workers: Worker[];
  learner: Learner;
  judge: ClickJudge;
  close(): Promise<void>;
}

export async function startWorkers(deps: WorkerDeps): Promise<RunningWorkers> {
  const prefix = deps.config.QUEUE_PREFIX;
  const { config } = deps;
  const transport = deps.transport ?? createMailTransport(config, deps.db, deps.now, { timeoutMs: config.SEND_TIMEOUT_MS });
  const queues = openQueues(deps.connection, prefix, { attempts: config.SEND_ATTEMPTS, backoffMs: config.SEND_BACKOFF_MS });
  const common = { connection: deps.connection };
  // The limiter and the pacer start from configuration and follow the provider's ratelimit-* headers (send-limiter.ts).
  const pacer = createSendPacer(deps.db, config.SEND_RATE_LIMIT);
  // SEND_RATE_LIMIT=0: a provider without a limit; batches are taken up as fast as they are composed.
  const paced = config.SEND_RATE_LIMIT > 0;
  startStageTiming(config.SEND_STAGE_TIMING);
  // The batches' links (~60 a reader) are signed on a thread of their own, beside the one that composes.
  const linkSigning = startLinkSigning(config.LINK_SIGNING_KEYS);
  const sending = createSendActivity();
  const sendWorker: Worker = new Worker(
    queueNames.sendBatch,
    sendBatchProcessor({
      ...deps,
      transport,
      signLinks: linkSigning.signLinks,
      activity: sending,
      renderer: createFastBriefingRenderer(),
      pacer: transport.name === 'resend' && paced ? pacer : undefined,
      onRateLimit: paced ? (info) => adaptLimiter(sendWorker, pacer, info) : undefined,
      onTooManyRequests: (ms) => backOff(queues.sendBatch, pacer, ms),
    }),
    {
      ...common,
      prefix: queuePrefix(prefix, queueNames.sendBatch),
      concurrency: config.SEND_CONCURRENCY,
      limiter: paced ? { max: takeUpLimit(config.SEND_RATE_LIMIT), duration: 1000 } : undefined,
      // A worker killed mid-batch loses its lock; another takes the batch over, as often as it takes.
      lockDuration: config.SEND_LOCK_MS,
      stalledInterval: Math.max(500, Math.floor(config.SEND_LOCK_MS / 2)),
      maxStalledCount: 1000,
    },
  );
  // Feed documents are read on their own threads, each within a time budget, never on this one.
  const parser = createFeedParser({ threads: config.FEED_PARSE_THREADS, budgetMs: config.FEED_PARSE_TIMEOUT_MS, log: deps.log });
  const workers = [
    new Worker(queueNames.ingest, ingestProcessor({ ...deps, parser }), {
      ...common,
      prefix: queuePrefix(prefix, queueNames.ingest),
      concurrency: 4,
    }),
    new Worker(queueNames.planPolling, planPollingProcessor({ ...deps, queues }), {
      ...common,
      prefix: queuePrefix(prefix, queueNames.planPolling),
      concurrency: 1,
    }),
    new Worker(queueNames.planEdition, planEditionProcessor({ ...deps, sendQueue: queues.sendBatch }), {
      ...common,
      prefix: queuePrefix(prefix, queueNames.planEdition),
      concurrency: 2,
      lockDuration: config.SEND_LOCK_MS,
      stalledInterval: Math.max(500, Math.floor(config.SEND_LOCK_MS / 2)),
      maxStalledCount: 1000,
    }),
    sendWorker,
  ];
  // The judge's group exists before the learner starts, so the learner waits for it to pass each click.
  await ensureJudgeGroup(deps.db);
  // Both give way to an edition this process is sending: learning from it can wait, the provider's clock cannot.
  const judge = createClickJudge({ db: deps.db, log: deps.log }, { giveWayWhile: sending.busy });
  judge.start();
  const learner = createLearner(
    { db: deps.db, log: deps.log, settings: interestSettingsFrom(deps.config) },
    { giveWayWhile: sending.busy },
  );
  learner.start();
  const rollup = startLearnedRollup({ db: deps.db, log: deps.log });
  const discovery = startDiscoverySchedule({
    db: deps.db,
    log: deps.log,
    now: deps.now,
    config,
    search: searchProviderFrom(config),
    parser,
  });
  const trimmer = startEventTrimmer({ db: deps.db, log: deps.log, now: deps.now, retentionDays: config.EVENTS_RETENTION_DAYS });
  await syncPollSchedules(deps, queues);
  for (const worker of workers) {
    worker.on('failed', (job, error) =>
      deps.log.warn({ queue: worker.name, job: job?.id, attempts: job?.attemptsMade, err: error.message }, 'job failed'),
    );
    worker.on('error', (error) => deps.log.error({ queue: worker.name, err: error.message }, 'worker error'));
  }
  // Queues report lost connections as 'error' events; without a listener they are printed raw (e.g. while Redis restarts).
  for (const queue of queues.all) {
    queue.on('error', (error) => deps.log.warn({ queue: queue.name, err: error.message }, 'queue connection error'));
  }
  sendWorker.on('failed', (job, error) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) void giveUpBatch(deps, job.data, error.message);
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  const magicLink = await startMagicLinkWorker({ ...deps, transport }); // sign-in mail: a Redis Stream, not BullMQ (the edge app never imports BullMQ)
  const reconciler = await startScheduleReconciler(deps.db, queues.planEdition, deps.log);
  const welcome = startWelcomeWorker({ db: deps.db, log: deps.log, now: deps.now, sendQueue: queues.sendBatch }); // a Redis Stream too: the edge asks, this plans
  return {
    queues,
    workers,
    learner,
    judge,
    async close() {
      trimmer.close();
      discovery.close();
      await reconciler.close();
      await welcome.close();
      // Stop taking jobs and let running ones finish; a job cut off by a hard kill is re-run after its lock expires.
      await Promise.all([...workers.map((w) => w.close()), learner.close(), judge.close()]);
      await rollup.close();
      await parser.close();
      await linkSigning.close();
      await queues.close();
      await magicLink.close();
    },
  };
}
