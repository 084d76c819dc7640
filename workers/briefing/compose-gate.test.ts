import { describe, expect, it } from 'vitest';
import { createGate } from './compose-gate';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the compose gate', () => {
  it('runs at most its number of tasks at once, in arrival order, and frees a slot when a task fails', async () => {
    const gate = createGate(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const task = (n: number, fail = false) =>
      gate.run(async () => {
        started.push(n);
        running++;
        most = Math.max(most, running);
        await tick();
        await tick();
        running--;
        if (fail) throw new Error(`task ${n} failed`);
        return n;
      });
    const results = await Promise.allSettled([task(1), task(2, true), task(3), task(4), task(5)]);
    expect(most).toBe(2);
    expect(started).toEqual([1, 2, 3, 4, 5]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(await gate.run(async () => 'free again')).toBe('free again');
  });
});
