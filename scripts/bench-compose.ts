// `npm run bench:compose`: Tidings' composing alone, in this process: batches of 100 readers with learned profiles
// composed from --candidates generated articles (default 500) against the Redis at REDIS_URL (or a private one),
// with nothing sent. Prints CPU milliseconds per briefing (this process's main thread and threads) and briefings
// per second of one thread. Options: --readers N (default 3000), --candidates N, --profile FILE (a CPU profile of
// the measured part, for Chromium's DevTools or scripts/bench/profile-stages.ts).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { openBenchServices } from './bench/bench-services';
import { createFastBriefingRenderer } from '../emails/fast-briefing';
import { claimDeliveries, registerEdition } from '../src/store/deliveries';
import { createCandidatePoolCache } from '../workers/briefing/candidate-pool';
import { composeBatch } from '../workers/briefing/compose-batch';
import { readersAndCandidates, seedLearnedReaders } from './bench/learned-readers';

const { readers, candidates } = readersAndCandidates(process.argv);
const profileAt = process.argv.indexOf('--profile');
const profileFile = profileAt > 0 ? process.argv[profileAt + 1] : undefined;
if (profileAt > 0 && !profileFile)
  throw new Error('--profile needs a file to write the CPU profile to (e.g. --profile /tmp/compose.cpuprofile)');

const bench = await openBenchServices('compose');
const { services } = bench;
try {
  const at = new Date('2026-11-23T07:00:00Z');
  const { ids } = await seedLearnedReaders(services.db, { readers, candidates, at });
  const edition = 'benchc-2026-11-23';
  await registerEdition(services.db, edition, 'bench', at);
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += 100) batches.push(ids.slice(i, i + 100));
  for (const [n, batch] of batches.entries()) await claimDeliveries(services.db, edition, `b${n}`, batch, at);

  const deps = { ...services, renderer: createFastBriefingRenderer(), candidatePool: createCandidatePoolCache() };
  // The first batch warms caches (pool, renderer) and the JIT; the rest is measured.
  const composeOne = async (n: number) => {
    const composed = await composeBatch(
      deps,
      { edition_id: edition, batch_id: `b${n}`, subscriber_ids: batches[n]!, sent_at: at.getTime() },
      { keepEmails: false },
    );
    return composed.body.length;
  };
  await composeOne(0);
  const inspector = profileFile ? new Session() : null;
  if (inspector) {
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.start');
  }
  const cpu = process.cpuUsage();
  const started = performance.now();
  let bytes = 0;
  for (let n = 1; n < batches.length; n++) bytes += await composeOne(n);
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - started) / 1000;
  const briefings = ids.length - batches[0]!.length;
  if (inspector) {
    const { profile } = await inspector.post('Profiler.stop');
    writeFileSync(profileFile!, JSON.stringify(profile));
    inspector.disconnect();
  }
  console.log(
    JSON.stringify({
      bench: 'compose',
      readers: briefings,
      candidates,
      cpu_ms_per_briefing: Number(((used.user + used.system) / 1000 / briefings).toFixed(3)),
      wall_ms_per_briefing: Number(((seconds * 1000) / briefings).toFixed(3)),
      briefings_per_s: Math.round(briefings / seconds),
      request_kb_per_briefing: Number((bytes / 1024 / briefings).toFixed(1)),
    }),
  );
} finally {
  await bench.close();
}
