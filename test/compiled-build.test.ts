// The compiled build (`npm run build` → dist/) as the `tidings` command runs it: chosen while it is fresh, the
// TypeScript source otherwise, and the same Tidings either way: commands, workers with their feed-parsing threads, pages.
import { mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { build, distDir, projectDir } from '../scripts/build';
import { freePort } from '../node/free-port';
import { testEnv, type TestEnv } from './helpers';
import { startWorkerProcess, type WorkerProcess } from './fixtures/worker-process';
import { tidings, waitFor, type TidingsProcess } from './fixtures/tidings-process';

const bundle = join(distDir, 'tidings.mjs');

/** What `tidings doctor` says the command runs (its Build check). */
async function buildInUse(env: Record<string, string | undefined>): Promise<string> {
  const doctor = tidings(['doctor', '--json'], { ...env, PUBLIC_BASE_URL: 'http://127.0.0.1:1' });
  await doctor.exited;
  const checks = doctor
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { name: string; detail: string });
  const check = checks.find((c) => c.name === 'Build');
  if (!check) throw new Error(`doctor printed no Build check:\n${doctor.output()}`);
  return check.detail;
}

let t: TestEnv | undefined;
let worker: WorkerProcess | undefined;
let child: TidingsProcess | undefined;
beforeAll(async () => {
  await build();
});
afterEach(async () => {
  await worker?.kill();
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
    await child.exited;
  }
  await t?.cleanup();
  t = worker = child = undefined;
});

describe('the compiled build', () => {
  it('is what the command runs while it is fresh, and TIDINGS_FROM_SOURCE=1 runs the source instead', async () => {
    t = testEnv();
    const version = tidings(['--version'], {});
    expect(await version.exited).toBe(0);
    expect(version.output().trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(await buildInUse(t.env)).toMatch(/^compiled/);
    expect(await buildInUse({ ...t.env, TIDINGS_FROM_SOURCE: '1' })).toMatch(/^from source/);
  });

  it('is passed over for the source once a source file is newer than it', async () => {
    t = testEnv();
    // A file deep in src/, edited after the build: its mtime moves past the bundle's (and back afterwards).
    const edited = join(projectDir, 'src/core/feeds/feed-items.ts');
    const before = statSync(edited);
    const builtAt = statSync(bundle).mtime;
    try {
      utimesSync(edited, before.atime, new Date(builtAt.getTime() + 2000));
      expect(await buildInUse(t.env)).toMatch(/^from source/);
    } finally {
      utimesSync(edited, before.atime, before.mtime);
    }
    expect(await buildInUse(t.env)).toMatch(/^compiled/);
  });

  it('runs the workers: the demo feeds are read on the compiled feed-parsing thread and stored', async () => {
    t = testEnv();
    worker = startWorkerProcess({ ...t.env, SEED_DEMO: 'true', LOG_LEVEL: 'info' });
    await worker.ready;
    expect(worker.build()).toBe('compiled');
    const seeded = worker
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; stored?: number })
      .find((line) => line.msg === 'demo content seeded');
    expect(seeded?.stored).toBeGreaterThan(0);
    expect(worker.output()).not.toMatch(/feed-parsing thread did not start/);
  });

  it('serves the pages from `tidings start`', async () => {
    t = testEnv();
    const elsewhere = mkdtempSync(join(tmpdir(), 'tidings-cwd-'));
    const port = await freePort();
    child = tidings(
      ['start'],
      { ...t.env, NODE_ENV: 'development', PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'warn' },
      elsewhere,
    );
    try {
      const home = await waitFor(
        'the home page',
        async () => {
          const response = await fetch(`http://127.0.0.1:${port}/`);
          return response.status === 200 ? await response.text() : undefined;
        },
        20_000,
      );
      expect(home).toContain('<form');
      const banner = await waitFor('the banner', async () => /build: +(.*)/.exec(child!.output())?.[1], 20_000);
      expect(banner).toMatch(/^compiled/);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
