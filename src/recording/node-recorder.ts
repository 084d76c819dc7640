// The Node recorder: the buffered recorder, storing to the events stream, spilling to a local file.
import type { Logger } from '../core/logger';
import { appendEvents } from '../store/events';
import type { Db } from '../store/keys';
import { createBufferedRecorder, type BufferedRecorder } from './buffered-recorder';
import { createFileSpill } from './file-spill';

/** `spillDir` is where events wait while Redis is away (the Node host passes STATE_DIR/spill). */
export function createNodeRecorder(db: Db, spillDir: string, log: Logger): BufferedRecorder {
  return createBufferedRecorder({
    store: (events) => appendEvents(db, events),
    spill: createFileSpill(spillDir, log),
    log,
    // Measured with npm run bench:redirect: a few milliseconds of batching cut the cost per event by half.
    lingerMs: 5,
  });
}
