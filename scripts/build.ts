// `npm run build`: the compiled build bin/tidings.js runs when it is fresh. Three bundles in dist/, made by esbuild:
// dist/tidings.mjs (the CLI and everything it starts), dist/parse-feed-thread.mjs (a feed-parsing thread, which
// workers/parse-feed.ts finds as the sibling of the file that starts it) and dist/signing-thread.mjs (the batch
// composer's link-signing thread, found the same way by workers/briefing/link-signing.ts), plus the chunks they share. Plain node runs them without tsx's loader
// thread and transform caches: an idle `tidings worker` holds about a third less memory.
// Packages stay in node_modules (imported at run time; React Email's are bundled, see below), and dist/ is one folder deep like cli/, node/ and workers/,
// so `new URL('../…', import.meta.url)` (package.json, samples/, the project root) resolves the same from either.
import { chmodSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

export const projectDir = fileURLToPath(new URL('../', import.meta.url));
export const distDir = join(projectDir, 'dist');

/** Build both bundles into a fresh folder beside dist/, then swap it in: a command starting meanwhile never reads half a file. */
export async function build(): Promise<{ dir: string; ms: number }> {
  const started = performance.now();
  const staging = mkdtempSync(join(projectDir, '.dist-build-'));
  chmodSync(staging, 0o755); // mkdtemp makes it private; the service may run as another user than the one who built
  try {
    await esbuild.build({
      absWorkingDir: projectDir,
      entryPoints: {
        tidings: 'cli/main.ts',
        'parse-feed-thread': 'workers/parse-feed-thread.ts',
        'signing-thread': 'workers/briefing/signing-thread.ts',
      },
      outdir: staging,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      // What a command loads only when it runs (node/main for start, serve and worker) becomes a chunk of its own, so
      // short commands (--version, sources, subscribers) start in about half the time. Chunks sit in dist/ itself,
      // so `import.meta.url` means the same folder in every one of them.
      splitting: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // Packages stay in node_modules, except React Email's: its components are bundled so that only the ones the
      // emails use are kept (each declares itself free of side effects). Imported whole, the package loads all
      // twenty, a code highlighter's grammars and Tailwind's compiler among them: an idle worker held 182 MB, now 168.
      plugins: [externalExceptReactEmail],
      // The pages use hono/jsx (tsconfig.json); emails/*.tsx say `@jsxImportSource react` themselves, which esbuild honours.
      jsx: 'automatic',
      jsxImportSource: 'hono/jsx',
      // Stack traces name the .ts files under `node --enable-source-maps`; the maps point at the sources on disk.
      sourcemap: 'linked',
      sourcesContent: false,
      logLevel: 'warning',
    });
    swapInto(staging, distDir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { dir: distDir, ms: Math.round(performance.now() - started) };
}

const externalExceptReactEmail: esbuild.Plugin = {
  name: 'external-except-react-email',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@react-email/') ? undefined : { path: args.path, external: true },
    );
  },
};

/** Replace `target` with `staging` by renames only; another build finishing at the same moment just takes a turn. */
function swapInto(staging: string, target: string): void {
  for (let attempt = 0; ; attempt++) {
    const retired = `${staging}-old-${attempt}`;
    try {
      renameSync(target, retired);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    try {
      renameSync(staging, target);
      return;
    } catch (error) {
      // Another build put its dist/ in place between the two renames: retire that one too.
      if (!['ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '') || attempt > 10) throw error;
    } finally {
      rmSync(retired, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { dir, ms } = await build();
  console.log(`built ${dir} in ${ms} ms`);
}
