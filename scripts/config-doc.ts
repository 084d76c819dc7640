// Generates the settings table of docs/configuration.md from the environment schema (src/env.ts), so it cannot drift.
// `npm run docs:config` rewrites the table; `npm run docs:config -- --check` (and test/config-doc.test.ts) fails when it differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { envSchema } from '../src/env';

export const configDocPath = join(import.meta.dirname, '..', 'docs', 'configuration.md');
export const tableStart = '<!-- settings table: generated from src/env.ts by `npm run docs:config`; edit the schema, not this table -->';
export const tableEnd = '<!-- end of settings table -->';

// Zod's internals, read only for the shape of each variable (wrappers, bounds, options).
interface Check {
  _zod: { def: { check: string; value?: number | bigint; inclusive?: boolean; pattern?: RegExp; format?: string } };
}
interface Def {
  type: string;
  innerType?: Node;
  in?: Node;
  out?: Node;
  checks?: Check[];
  entries?: Record<string, string>;
  defaultValue?: unknown;
  protocol?: RegExp;
  format?: string;
}
interface Node {
  def: Def;
}

/** Markdown-safe: pipes would split a table cell. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string) => '`' + text + '`';

/** The innermost schema behind defaults, optionals and transforms: what the variable's text must look like. */
function innermost(node: Node): Node {
  let current = node;
  while (current.def.innerType || current.def.in) current = (current.def.innerType ?? current.def.in)!;
  return current;
}

function isStringBool(node: Node): boolean {
  let current: Node | undefined = node;
  while (current) {
    if (current.def.type === 'pipe' && current.def.out?.def.type === 'boolean') return true;
    current = current.def.innerType ?? current.def.in;
  }
  return false;
}

/** What the schema accepts, in words, from its own checks. */
export function accepts(node: Node): string {
  if (isStringBool(node)) return '`true` or `false`';
  const inner = innermost(node);
  const checks = (inner.def.checks ?? []).map((c) => c._zod.def);
  switch (inner.def.type) {
    case 'enum':
      return Object.values(inner.def.entries ?? {})
        .map(code)
        .join(', ');
    case 'number': {
      const int = checks.some((c) => c.format === 'safeint' || c.format === 'int32');
      const low = checks.find((c) => c.check === 'greater_than');
      const high = checks.find((c) => c.check === 'less_than');
      const kind = int ? 'integer' : 'number';
      if (low?.inclusive && high?.inclusive) return `${kind} ${low.value}–${high.value}`;
      const parts = [low && `${low.inclusive ? '≥' : '>'} ${low.value}`, high && `${high.inclusive ? '≤' : '<'} ${high.value}`];
      return [kind, parts.filter(Boolean).join(', ')].filter(Boolean).join(' ');
    }
    case 'string': {
      if (inner.def.format === 'url') {
        const schemes = inner.def.protocol?.source.replace(/^\^|\$$/g, '').replace(/^(\w+)s\?$/, '$1, $1s');
        return schemes ? `URL (${schemes})` : 'URL';
      }
      const pattern = checks.find((c) => c.pattern)?.pattern;
      if (pattern) return `text matching ${code(pattern.source)}`;
      return 'text';
    }
    default:
      return inner.def.type;
  }
}

function shownDefault(node: Node, meta: z.GlobalMeta | undefined): string {
  if (meta?.shown_default) return meta.shown_default;
  if (node.def.type === 'default' || node.def.type === 'prefault') return code(String(node.def.defaultValue));
  return 'unset';
}

/** The markdown table, one row per variable, in the schema's order. */
export function configTable(schema: z.ZodObject = envSchema): string {
  const rows = Object.entries(schema.shape).map(([name, variable]) => {
    const meta = (variable as z.ZodType).meta();
    if (!meta?.description) throw new Error(`${name} in src/env.ts has no description: add .meta({ description: '…' }) to it`);
    const node = variable as unknown as Node;
    return `| ${code(name)} | ${cell(meta.description)} | ${cell(shownDefault(node, meta))} | ${cell(accepts(node))} | ${cell(meta.production ?? '')} |`;
  });
  return ['| variable | what it is for | default | accepts | production |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** The document with its table replaced by the generated one; throws when the markers are missing. */
export function withConfigTable(doc: string): string {
  const start = doc.indexOf(tableStart);
  const end = doc.indexOf(tableEnd);
  if (start < 0 || end < start)
    throw new Error(`docs/configuration.md must keep the two marker lines around the table:\n${tableStart}\n${tableEnd}`);
  return `${doc.slice(0, start + tableStart.length)}\n${configTable()}\n${doc.slice(end)}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const current = readFileSync(configDocPath, 'utf8');
  const wanted = withConfigTable(current);
  if (process.argv.includes('--check')) {
    if (wanted !== current) {
      console.error('docs/configuration.md is out of date with src/env.ts: run `npm run docs:config` and commit the result.');
      process.exitCode = 1;
    } else console.log('docs/configuration.md matches src/env.ts.');
  } else if (wanted !== current) {
    writeFileSync(configDocPath, wanted);
    console.log('docs/configuration.md: settings table regenerated from src/env.ts.');
  } else console.log('docs/configuration.md is already up to date.');
}
