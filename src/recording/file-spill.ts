// The Node spill for reader events: an append-only JSON-lines file per process, replayed when Redis returns.
import { appendFile, mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReaderEvent } from '../contracts';
import type { EventSpill } from './buffered-recorder';
import type { Logger } from '../core/logger';

const ACTIVE = /^events-(\d+)\.jsonl$/;
const REPLAY = /^replay-(\d+)-\d+\.jsonl$/;

/**
 * Spill to `dir`. Each process appends to its own `events-<pid>.jsonl`; to replay, it renames that file
 * (and any left by processes that are gone) to `replay-…`, so appends never race with reading.
 */
export function createFileSpill(dir: string, log: Logger): EventSpill {
  const pid = process.pid;
  const active = join(dir, `events-${pid}.jsonl`);
  let writes: Promise<void> = mkdir(dir, { recursive: true }).then(() => undefined);
  let sequence = 0;

  /** Files this process may replay: its own, and those of processes that no longer run. */
  const claimable = async (): Promise<string[]> => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return [];
    }
    return names.filter((name) => {
      const owner = Number((ACTIVE.exec(name) ?? REPLAY.exec(name))?.[1] ?? NaN);
      return Number.isFinite(owner) && (owner === pid || !processAlive(owner));
    });
  };

  return {
    append(events) {
      const text = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
      // Appends are chained so batches land whole and in order.
      const write = writes.then(() => appendFile(active, text, { encoding: 'utf8', mode: 0o600 }));
      writes = write.catch(() => undefined);
      return write;
    },
    async hasPending() {
      await writes;
      return (await claimable()).length > 0;
    },
    async replay(store, batchSize) {
      await writes;
      let stored = 0;
      for (const name of (await claimable()).sort(byAge)) {
        let path = join(dir, name);
        if (ACTIVE.test(name)) {
          const claimed = join(dir, `replay-${pid}-${Date.now()}${String(sequence++).padStart(4, '0')}.jsonl`);
          await rename(path, claimed);
          path = claimed;
        }
        const lines = (await readFile(path, 'utf8')).split('\n').filter((l) => l.trim() !== '');
        const events: ReaderEvent[] = [];
        for (const line of lines) {
          try {
            events.push(JSON.parse(line) as ReaderEvent);
          } catch {
            // Only a crash mid-write leaves a torn line; it cannot be recovered, so it is counted here.
            log.error({ file: path, line: line.slice(0, 200) }, 'reader events lost: a spilled line was not valid JSON');
          }
        }
        for (let i = 0; i < events.length; i += batchSize) {
          try {
            await store(events.slice(i, i + batchSize));
          } catch (error) {
            // Keep exactly what was not stored, so the next replay neither loses nor repeats events.
            await writeFile(
              path,
              events
                .slice(i)
                .map((e) => JSON.stringify(e))
                .join('\n') + '\n',
              { mode: 0o600 },
            );
            throw error;
          }
          stored += Math.min(batchSize, events.length - i);
        }
        await unlink(path);
      }
      return stored;
    },
  };
}

/** Oldest first: replay files (already claimed) before active ones, each by name (pid, then time). */
function byAge(a: string, b: string): number {
  const rank = (n: string) => (REPLAY.test(n) ? 0 : 1);
  return rank(a) - rank(b) || a.localeCompare(b, 'en', { numeric: true });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
