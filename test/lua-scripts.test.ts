// The Lua scripts' promises, checked on their source: each lives in src/store/scripts/NAME.lua with a header
// saying what it does, its KEYS and ARGV; every key a script touches is one of its KEYS (never built from ARGV
// or a prefix, which breaks on Redis Cluster); the generated module the runtimes load matches the files; and
// no code runs Lua any other way than through scriptCommand.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { projectRoot } from '../node/paths';
import { readLuaSources } from '../scripts/build-lua';
import { luaSources } from '../src/store/scripts/lua-sources.generated';

interface RedisCall {
  /** Where the call starts in the script, as "line N". */
  at: string;
  /** The command name when it is a string literal, else null. */
  command: string | null;
  /** The argument expressions after the command name, as written. */
  args: string[];
}

/** The script with comments blanked and string contents masked, offsets unchanged, so code can be scanned. */
function maskLua(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const longComment = /^--\[(=*)\[/.exec(rest);
    if (longComment) {
      const close = `]${longComment[1]}]`;
      const end = source.indexOf(close, i + longComment[0].length);
      const stop = end < 0 ? source.length : end + close.length;
      out += source.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (rest.startsWith('--')) {
      const end = source.indexOf('\n', i);
      const stop = end < 0 ? source.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (rest[0] === "'" || rest[0] === '"') {
      const quote = rest[0];
      let j = i + 1;
      while (j < source.length && source[j] !== quote) j += source[j] === '\\' ? 2 : 1;
      out += quote + '_'.repeat(j - i - 1) + quote;
      i = j + 1;
    } else if (/^\[=*\[/.test(rest)) {
      throw new Error('long strings ([[ … ]]) are not understood by this check; use quoted strings');
    } else {
      out += source[i];
      i += 1;
    }
  }
  return out;
}

/** Every redis.call / redis.pcall in a script, with its arguments split at the top level. */
function redisCalls(source: string): RedisCall[] {
  const masked = maskLua(source);
  const calls: RedisCall[] = [];
  for (const match of masked.matchAll(/\bredis\s*\.\s*p?call\b/g)) {
    const at = `line ${source.slice(0, match.index).split('\n').length}`;
    let i = match.index + match[0].length;
    while (/\s/.test(masked[i] ?? '')) i += 1;
    // redis.call passed around (local call = redis.call) would hide its keys from this check.
    if (masked[i] !== '(') throw new Error(`${at}: redis.call must be called directly, not aliased`);
    const args: string[] = [];
    let depth = 0;
    let start = i + 1;
    for (i += 1; i < masked.length; i += 1) {
      const c = masked[i]!;
      if ('([{'.includes(c)) depth += 1;
      else if (')]}'.includes(c) && depth > 0) depth -= 1;
      else if (c === ')' || (c === ',' && depth === 0)) {
        args.push(source.slice(start, i).trim());
        start = i + 1;
        if (c === ')') break;
      }
    }
    const [name, ...rest] = args;
    const literal = /^(['"])([A-Za-z]+)\1$/.exec(name ?? '');
    calls.push({ at, command: literal ? literal[2]!.toUpperCase() : null, args: rest });
  }
  return calls;
}

/** Key positions of a command, from Redis's own COMMAND INFO (first key, last key, step). */
type KeySpec = { first: number; last: number; step: number; movable: boolean };

function keyArgs(call: RedisCall, spec: KeySpec): string[] {
  if (spec.first === 0) return [];
  // Positions count the command name as 0; a negative last key counts from the end.
  const total = call.args.length + 1;
  const last = spec.last < 0 ? total + spec.last : spec.last;
  const keys: string[] = [];
  for (let p = spec.first; p <= last && p < total; p += spec.step) keys.push(call.args[p - 1]!);
  return keys;
}

/** What is wrong with a script's keys: each a sentence naming the line. Empty when every key is a KEYS entry. */
async function undeclaredKeys(redis: Redis, source: string): Promise<string[]> {
  const problems: string[] = [];
  for (const call of redisCalls(source)) {
    if (!call.command) {
      problems.push(`${call.at}: the command name must be a string literal so its keys can be checked`);
      continue;
    }
    const [info] = (await redis.call('COMMAND', 'INFO', call.command)) as Array<[string, number, string[], number, number, number] | null>;
    if (!info) {
      problems.push(`${call.at}: ${call.command} is not a Redis command`);
      continue;
    }
    const spec = { first: info[3], last: info[4], step: info[5], movable: info[2].includes('movablekeys') };
    if (spec.movable) problems.push(`${call.at}: ${call.command} finds its keys in its arguments; this check cannot follow it`);
    if (call.args.some((a) => /\bunpack\b|\.\.\.|table\.unpack/.test(a)))
      problems.push(`${call.at}: ${call.command} takes spread arguments; pass keys one by one`);
    for (const key of keyArgs(call, spec)) {
      if (!/^KEYS\[[A-Za-z0-9_+\- *]+\]$/.test(key)) problems.push(`${call.at}: ${call.command} touches ${key}, which is not one of KEYS`);
    }
  }
  return problems;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith('.generated.ts') ? [path] : [];
  });
}

const files = readLuaSources();

describe('the Lua scripts', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(inject('redisUrl'));
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('finds the scripts it checks (a moved folder cannot make this pass by accident)', () => {
    expect(Object.keys(files).length).toBeGreaterThanOrEqual(9);
    expect(files['rotate-refresh-token']).toContain('KEYS[1]');
  });

  it('loads exactly the .lua files at run time (run npm run build:lua after editing one)', () => {
    expect(luaSources as Record<string, string>).toEqual(files);
  });

  it('opens each script with a comment saying what it does, its KEYS, its ARGV and its output', () => {
    for (const [name, source] of Object.entries(files)) {
      const header = /^--\[\[\n([\s\S]*?)\n\]\]\n/.exec(source)?.[1];
      expect(header, `${name}.lua opens with a --[[ … ]] block`).toBeDefined();
      expect(header, `${name}.lua says what it does first`).toMatch(/^ {2}\S/);
      for (const part of ['Input:', 'KEYS[', 'ARGV[', 'Output:']) expect(header, `${name}.lua's header names ${part}`).toContain(part);
      // Each KEYS[n] the code uses is described in the header (KEYS[1..n] covers a list of keys).
      const code = maskLua(source);
      for (const [, n] of code.matchAll(/KEYS\[(\d+)\]/g))
        expect(header, `${name}.lua describes KEYS[${n}]`).toMatch(new RegExp(`KEYS\\[${n}(\\]|\\.\\.)`));
    }
  });

  it('touches only keys declared in KEYS, never a key built inside the script', async () => {
    const problems: string[] = [];
    for (const [name, source] of Object.entries(files))
      for (const problem of await undeclaredKeys(redis, source)) problems.push(`${name}.lua ${problem}`);
    expect(problems).toEqual([]);
  });

  it('catches a key built from ARGV, a prefix or a variable, and an aliased redis.call', async () => {
    expect(await undeclaredKeys(redis, "redis.call('EXISTS', ARGV[1] .. sid)")).toEqual([
      'line 1: EXISTS touches ARGV[1] .. sid, which is not one of KEYS',
    ]);
    expect(await undeclaredKeys(redis, "for _, key in ipairs(KEYS) do redis.call('INCR', key) end")).toHaveLength(1);
    expect(await undeclaredKeys(redis, "-- redis.call('GET', x)\nredis.call('DEL', KEYS[1], 'k')")).toEqual([
      "line 2: DEL touches 'k', which is not one of KEYS",
    ]);
    expect(await undeclaredKeys(redis, "redis.call('SET', KEYS[1], string.format('%s', ARGV[1]), 'PX', 60000)")).toEqual([]);
    expect(await undeclaredKeys(redis, "local t = redis.call('TIME')")).toEqual([]);
    expect(await undeclaredKeys(redis, 'redis.call(ARGV[1], KEYS[1])')).toHaveLength(1);
    expect(() => redisCalls('local call = redis.call')).toThrow(/aliased/);
  });

  it('runs every script through scriptCommand, and no Lua lives in TypeScript', () => {
    const code = ['src', 'workers', 'node', 'cli'].flatMap((dir) => sourceFiles(join(projectRoot, dir)));
    const offending = code
      .filter((file) => !file.endsWith('script-command.ts'))
      .filter((file) => /redis\.p?call\s*\(|\.eval(sha)?\s*\(|defineCommand\s*\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(projectRoot, file));
    expect(offending).toEqual([]);
    const used = code.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/scriptCommand(?:<[^>]*>)?\(\s*'([a-z-]+)'/g)].map((m) => m[1]!),
    );
    expect(new Set(used)).toEqual(new Set(Object.keys(files)));
  });
});
