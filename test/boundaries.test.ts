// The layout's promises, checked on the source: the edge app (src/) runs on Node and Workers, so it never
// reaches into the workers, BullMQ or the Node host; core/ and contracts/ are pure (Web APIs, no store, no env).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../node/paths';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Every module a file names: static imports, re-exports and dynamic import() calls. */
function specifiers(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const found = [
    ...source.matchAll(/(?:import|export)[^'"();]*?from\s*['"]([^'"]+)['"]/g),
    ...source.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g),
    ...source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
  ];
  return found.map((m) => m[1]!);
}

/** Where a relative specifier lands, as a path from the project root (or the bare package name). */
function target(file: string, spec: string): string {
  return spec.startsWith('.') ? relative(projectRoot, resolve(dirname(file), spec)) : spec;
}

function violations(dir: string, refuse: (to: string) => boolean): string[] {
  return sourceFiles(join(projectRoot, dir)).flatMap((file) =>
    specifiers(file)
      .map((spec) => target(file, spec))
      .filter(refuse)
      .map((to) => `${relative(projectRoot, file)} → ${to}`),
  );
}

describe('the edge app and its pure core', () => {
  it('finds the files it checks (a moved folder cannot make this pass by accident)', () => {
    expect(sourceFiles(join(projectRoot, 'src')).length).toBeGreaterThan(60);
    expect(sourceFiles(join(projectRoot, 'src/core')).length).toBeGreaterThan(20);
    expect(specifiers(join(projectRoot, 'cli/commands/start.ts'))).toContain('../../node/main');
  });

  it('keeps BullMQ, the workers, the Node host and the CLI out of src/, dynamic imports included', () => {
    const refused = (to: string) => /^(bullmq|@bull-board\/|prom-client)/.test(to) || /^(workers|node|cli)(\/|$)/.test(to);
    expect(violations('src', refused)).toEqual([]);
  });

  it('keeps core/ and contracts/ to Web APIs, without store, env or the services built on them', () => {
    const refused = (to: string) =>
      to.startsWith('node:') || /^(bullmq|ioredis|pino|hono)/.test(to) || /^src\/(store|env|identity|recording|routes|app|deps)/.test(to);
    expect(violations('src/core', refused)).toEqual([]);
    expect(violations('src/contracts', (to) => refused(to) || to.startsWith('src/core'))).toEqual([]);
  });

  it('uses no Node globals in core/ and contracts/', () => {
    const files = [...sourceFiles(join(projectRoot, 'src/core')), ...sourceFiles(join(projectRoot, 'src/contracts'))];
    const offending = files
      .filter((file) => /\b(Buffer\.|process\.|require\()/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(projectRoot, file));
    expect(offending).toEqual([]);
  });
});
