// `npm run bench:cores`: what this machine's cores are worth to bench:send. The same CPU-bound work (arithmetic over
// an array, and short-lived objects for the garbage collector) runs in one process, then in two at once; the JSON
// line gives both times and `cores_worth`, the throughput of two processes against one (2.0: two whole cores).
import { spawnSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORK = `(() => {
  const a = new Float64Array(1 << 20).map(Math.random);
  let x = 0;
  for (let r = 0; r < 400; r++) for (let i = 0; i < a.length; i++) x += a[i] * a[(i * 7) & (a.length - 1)];
  let kept = [];
  for (let i = 0; i < 3e6; i++) { kept.push({ i, s: 'a' + i }); if (kept.length > 1e5) kept = []; }
  if (x === 42) console.log(kept.length);
})();`;
const node = process.execPath;
const once = (): number => {
  const started = performance.now();
  const run = spawnSync(node, ['-e', WORK], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`the work failed (exit ${run.status})`);
  return (performance.now() - started) / 1000;
};
const twice = (): Promise<number[]> =>
  Promise.all(
    [0, 1].map(
      () =>
        new Promise<number>((resolve, reject) => {
          const started = performance.now();
          spawn(node, ['-e', WORK], { stdio: 'inherit' }).on('exit', (code) =>
            code === 0 ? resolve((performance.now() - started) / 1000) : reject(new Error(`the work failed (exit ${code})`)),
          );
        }),
    ),
  );

const alone = [once(), once()];
const together = await twice();
const aloneMean = (alone[0]! + alone[1]!) / 2;
const togetherMean = (together[0]! + together[1]!) / 2;
console.log(
  JSON.stringify({
    bench: 'cores',
    script: fileURLToPath(import.meta.url)
      .split('/')
      .slice(-2)
      .join('/'),
    alone_s: alone.map((s) => Number(s.toFixed(2))),
    side_by_side_s: together.map((s) => Number(s.toFixed(2))),
    cores_worth: Number(((2 * aloneMean) / togetherMean).toFixed(2)),
  }),
);
