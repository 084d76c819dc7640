// The settings documentation cannot drift: docs/configuration.md's table is what the schema generates, and
// .env.example names exactly the schema's variables.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { accepts, configDocPath, configTable, tableEnd, tableStart, withConfigTable } from '../scripts/config-doc';
import { envSchema } from '../src/env';
import { projectRoot } from '../node/paths';

const variables = Object.keys(envSchema.shape);

describe('the configuration documentation', () => {
  it('has the table the schema generates (run `npm run docs:config` after changing src/env.ts)', () => {
    const doc = readFileSync(configDocPath, 'utf8');
    expect(doc).toContain(tableStart);
    expect(doc).toContain(tableEnd);
    expect(withConfigTable(doc)).toBe(doc);
  });

  it('gives every variable of the schema one row, in the schema order', () => {
    const rows = configTable()
      .split('\n')
      .slice(2)
      .map((row) => /^\| `([A-Z0-9_]+)` \|/.exec(row)?.[1]);
    expect(rows).toEqual(variables);
    expect(variables.length).toBeGreaterThan(40);
  });

  it('notices a table edited by hand', () => {
    const doc = readFileSync(configDocPath, 'utf8');
    const edited = doc.replace('| `BRIEFING_SIZE` |', '| `BRIEFING_SIZE` | (edited) |');
    expect(edited).not.toBe(doc);
    expect(withConfigTable(edited)).not.toBe(edited);
  });

  it('reads what a variable accepts from its validation, not from prose', () => {
    expect(accepts(z.coerce.number().int().min(1).max(50).default(10) as never)).toBe('integer 1–50');
    expect(accepts(z.coerce.number().positive().max(3650).default(21) as never)).toBe('number > 0, ≤ 3650');
    expect(accepts(z.enum(['verify', 'token_hash']).default('verify') as never)).toBe('`verify`, `token_hash`');
    expect(accepts(z.url({ protocol: /^rediss?$/ }).optional() as never)).toBe('URL (redis, rediss)');
    expect(accepts(z.stringbool().default(true) as never)).toBe('`true` or `false`');
  });

  it('refuses to generate a table while a variable has no description', () => {
    expect(() => configTable(z.object({ SOME_NEW_SETTING: z.string().optional() }))).toThrow(
      /SOME_NEW_SETTING in src\/env.ts has no description/,
    );
  });

  it('describes every variable in one sentence', () => {
    for (const [name, schema] of Object.entries(envSchema.shape)) {
      expect({ name, description: (schema as z.ZodType).meta()?.description }).toEqual({
        name,
        description: expect.stringMatching(/^\S.*\.$/),
      });
    }
  });

  it('lists exactly the schema variables in .env.example', () => {
    const example = readFileSync(join(projectRoot, '.env.example'), 'utf8');
    const listed = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
    expect([...listed].sort()).toEqual([...variables].sort());
    expect(new Set(listed).size).toBe(listed.length);
  });
});
