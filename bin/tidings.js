#!/usr/bin/env node
// The `tidings` command. It runs the compiled build (`npm run build` → dist/) when that is fresh: plain node holds
// about a third less memory than loading TypeScript through tsx (no loader thread, no transform caches). When dist/
// is missing, or any file it is made of changed after it was built, it runs the source through tsx, so a fresh clone
// and an edited checkout behave exactly as written. TIDINGS_FROM_SOURCE=1 always runs the source.
// TIDINGS_BUILD tells the rest of the process (doctor, the start-up banners) which of the two it is.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const bundle = new URL('../dist/tidings.mjs', import.meta.url);
const mtimeOf = (path) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0;

/** Whether `dir` holds, at any depth, a source file changed after `builtAtMs`. About 300 stats: a few ms. */
function changedSince(dir, builtAtMs) {
  return readdirSync(dir, { withFileTypes: true }).some((entry) =>
    entry.isDirectory()
      ? changedSince(`${dir}/${entry.name}`, builtAtMs)
      : /\.(tsx?|mjs|lua|json)$/.test(entry.name) && mtimeOf(`${dir}/${entry.name}`) > builtAtMs,
  );
}

function isFresh() {
  const builtAtMs = mtimeOf(bundle);
  return (
    builtAtMs > 0 &&
    !['tsconfig.json', 'package.json', 'package-lock.json'].some((file) => mtimeOf(root + file) > builtAtMs) &&
    !['src', 'node', 'cli', 'workers', 'emails'].some((dir) => changedSince(root + dir, builtAtMs))
  );
}

if (process.env.TIDINGS_FROM_SOURCE !== '1' && isFresh()) {
  process.env.TIDINGS_BUILD = 'compiled';
  await import(bundle.href);
} else {
  process.env.TIDINGS_BUILD = 'source';
  // tsx looks for tsconfig.json in the working directory; naming the project's own keeps its JSX settings
  // (hono/jsx) when the command is run from anywhere else, as deploy scripts and `npx` from a parent folder do.
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
  await import('../cli/main.ts');
}
