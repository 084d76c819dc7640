// First start of the embedded default: register the shipped sample feeds and ingest them once.
import { QueueEvents, type ConnectionOptions } from 'bullmq';
import type { Source } from '../src/contracts';
import type { Logger } from '../src/core/logger';
import type { Db } from '../src/store/keys';
import { saveSource } from '../src/store/sources';
import { queueNames, queuePrefix, type Queues } from './queues';

export const demoSources: ReadonlyArray<Pick<Source, 'id' | 'url' | 'title'>> = [
  { id: 'tidings-engineering', url: 'sample:tidings-engineering.xml', title: 'Tidings Engineering' },
  { id: 'field-notes', url: 'sample:field-notes.atom', title: 'Field Notes on Reading' },
  { id: 'the-wire', url: 'sample:the-wire.json', title: 'The Wire' },
];

export interface SeedResult {
  seeded: boolean;
  stored: number;
  quarantined: number;
}

/** Seed once per Redis: a second start finds the marker and leaves everything as it is. */
export async function seedDemo(
  db: Db,
  queues: Queues,
  connection: ConnectionOptions,
  prefix: string,
  log: Logger,
  now: Date,
): Promise<SeedResult> {
  const first = await db.redis.set(db.keys.seeded, now.toISOString(), 'NX');
  if (first !== 'OK') return { seeded: false, stored: 0, quarantined: 0 };
  const events = new QueueEvents(queueNames.ingest, { connection, prefix: queuePrefix(prefix, queueNames.ingest) });
  try {
    await events.waitUntilReady();
    let stored = 0;
    let quarantined = 0;
    for (const source of demoSources) {
      await saveSource(db, { ...source, default_content_type: null, added_at: now.toISOString() });
      const job = await queues.ingest.add(queueNames.ingest, { source_id: source.id }, { jobId: `seed__${source.id}` });
      const result = (await job.waitUntilFinished(events, 30_000)) as { stored: number; quarantined: number };
      stored += result.stored;
      quarantined += result.quarantined;
    }
    log.info({ stored, quarantined }, 'demo content seeded');
    return { seeded: true, stored, quarantined };
  } catch (error) {
    await db.redis.del(db.keys.seeded); // try again on the next start
    throw error;
  } finally {
    await events.close();
  }
}
