// `npm run bench:learn`: how fast the learner works through what an edition leaves behind: every sent briefing's
// delivered events (one per article, appended together as a sent batch appends them) for --readers readers with
// learned profiles and --candidates articles (defaults 3000 and 500), learned by one learner in this process.
// Prints events learned per second and CPU milliseconds per event.
import { openBenchServices } from './bench/bench-services';
import { claimDeliveries, finishDeliveries, registerEdition } from '../src/store/deliveries';
import { createLearner, ensureLearnGroup } from '../workers/learn-events';
import { seededRandom } from '../test/fixtures/articles';
import { readersAndCandidates, seedLearnedReaders } from './bench/learned-readers';

const { readers, candidates } = readersAndCandidates(process.argv);

const bench = await openBenchServices('learn');
const { services } = bench;
try {
  const at = new Date('2026-11-23T07:00:00Z');
  const { pool, ids } = await seedLearnedReaders(services.db, { readers, candidates, at });
  const edition = 'benchl-2026-11-23';
  await registerEdition(services.db, edition, 'bench', at);
  await ensureLearnGroup(services.db);
  // Each reader is sent ten articles, as a sent batch records them (finishDeliveries appends the delivered events).
  const random = seededRandom(3);
  let events = 0;
  for (let i = 0; i < ids.length; i += 100) {
    const batch = ids.slice(i, i + 100);
    await claimDeliveries(services.db, edition, `b${i}`, batch, at);
    const outcomes = batch.map((subscriberId) => {
      const articleIds = [...new Set(Array.from({ length: 10 }, () => pool.articleIds[Math.floor(random() * pool.articleIds.length)]!))];
      events += articleIds.length;
      return { subscriberId, status: 'sent' as const, messageId: `m-${subscriberId}`, articleIds };
    });
    await finishDeliveries(services.db, edition, `b${i}`, outcomes, at);
  }

  const learner = createLearner(
    { db: services.db, log: services.log, settings: { halfLifeDays: 21, maxFeatures: 256 } },
    { consumer: 'bench' },
  );
  const cpu = process.cpuUsage();
  const started = performance.now();
  let applied = 0;
  for (;;) {
    const result = await learner.runBatch(null);
    applied += result.applied;
    if (result.read === 0) break;
  }
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - started) / 1000;
  await learner.close();
  console.log(
    JSON.stringify({
      bench: 'learn',
      readers,
      candidates,
      events,
      applied,
      seconds: Number(seconds.toFixed(2)),
      events_per_s: Math.round(applied / seconds),
      cpu_ms_per_event: Number(((used.user + used.system) / 1000 / applied).toFixed(3)),
    }),
  );
} finally {
  await bench.close();
}
