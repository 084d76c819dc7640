import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWTH_FLAG } from './heap-growth';

describe('the workers’ heap growth', () => {
  it('is a flag this Node’s V8 knows (an unknown one is ignored with a line on stderr)', () => {
    const set = (flag: string) =>
      spawnSync(process.execPath, ['-e', `require('node:v8').setFlagsFromString(${JSON.stringify(flag)})`], { encoding: 'utf8' });
    expect(set(HEAP_GROWTH_FLAG)).toMatchObject({ status: 0, stderr: '' });
    expect(set('--heap-growing-percentage=150').stderr).toMatch(/unrecognized flag/); // the check can fail
  });
});
