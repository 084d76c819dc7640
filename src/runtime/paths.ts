// Where the project lives on disk, and where it keeps local state (.tidings/).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
export const stateDir = join(projectRoot, '.tidings');
export const privateRedisDir = join(stateDir, 'redis');
export const privateRedisStateFile = join(stateDir, 'redis.json');
