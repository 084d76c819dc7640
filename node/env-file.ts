// Read `.env` from the working directory into process.env before any configuration is checked.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Load TIDINGS_ENV_FILE (or `.env` in the working directory) with Node's own loader.
 * Variables already set in the environment win over the file, as with `node --env-file`.
 * Returns the file that was read, or null when there was none.
 */
export function loadEnvFile(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): string | null {
  loaded = null;
  const named = env.TIDINGS_ENV_FILE;
  const file = resolve(cwd, named && named !== '' ? named : '.env');
  if (!existsSync(file)) {
    if (named)
      throw new Error(
        `TIDINGS_ENV_FILE names ${file}, which does not exist. Point it at a file like .env.example, or unset it to read ./.env`,
      );
    return null;
  }
  process.loadEnvFile(file);
  loaded = file;
  return file;
}

let loaded: string | null = null;

/** The env file read at start-up (for the banner), or null. */
export function loadedEnvFile(): string | null {
  return loaded;
}
