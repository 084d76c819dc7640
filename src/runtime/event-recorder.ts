// The Node recorder: the buffered recorder, storing to the events stream, spilling to a local file.
import { join } from 'node:path';
import type { Config } from '../env';
import { createBufferedRecorder, type BufferedRecorder } from '../core/event-buffer';
import type { Logger } from '../core/logger';
import { appendEvents } from '../store/events';
import type { Db } from '../store/keys';
import { createFileSpill } from './event-spill';
import { statePaths } from './paths';

export function createNodeRecorder(db: Db, config: Pick<Config, 'STATE_DIR'>, log: Logger): BufferedRecorder {
  return createBufferedRecorder({
    store: (events) => appendEvents(db, events),
    // While Redis is away, events wait in STATE_DIR/spill (default .tidings/spill).
    spill: createFileSpill(join(statePaths(config.STATE_DIR).dir, 'spill'), log),
    log,
    // Measured with npm run bench:redirect: a few milliseconds of batching cut the cost per event by half.
    lingerMs: 5,
  });
}
