// Where the project lives on disk, and where it keeps local state (.tidings/ unless STATE_DIR says otherwise).
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

export const projectRoot = fileURLToPath(new URL('../', import.meta.url));

export interface StatePaths {
  dir: string;
  privateRedisDir: string;
  privateRedisStateFile: string;
  /** Reader events wait here while Redis is away, and are replayed when it returns. */
  spillDir: string;
}

export function statePaths(stateDir: string | undefined): StatePaths {
  const dir = resolve(stateDir ?? join(projectRoot, '.tidings'));
  return { dir, privateRedisDir: join(dir, 'redis'), privateRedisStateFile: join(dir, 'redis.json'), spillDir: join(dir, 'spill') };
}
