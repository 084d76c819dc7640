// `npm run bench:safe-text`: how long htmlToText takes on adversarial markup of 1 MB and 2 MB (unclosed
// tags, unclosed scripts and comments, a mix). The last line is JSON: the slowest pattern at each size
// and growth = ms_2mb / ms_1mb (linear is 2; quadratic would be 4).
import { htmlToText } from '../src/core/feeds/safe-text';

const MB = 1024 * 1024;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);

/** Each pattern, repeated until it fills `bytes`. */
const patterns: Record<string, string> = {
  'unclosed <p': '<p',
  'unclosed <script>': '<script>',
  'unclosed <a': '<a',
  'unclosed <!--': '<!--',
  'nested tags': '<p><a href="x">',
  'attributes without end': '<a href="x" title=',
  mixed: '<p<script><a <!--<style>&amp;<![CDATA[<b>x</b',
};

const fill = (unit: string, bytes: number) => unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);

/** The median of a few runs: the machine is shared, one run can be unlucky. */
function timeMs(input: string): number {
  const runs: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const started = performance.now();
    htmlToText(input, 2000);
    runs.push(performance.now() - started);
  }
  runs.sort((a, b) => a - b);
  return runs[Math.floor(runs.length / 2)]!;
}

htmlToText('<p>warm up</p>'.repeat(10_000));
const worst = { 1: 0, 2: 0 };
for (const [name, unit] of Object.entries(patterns)) {
  const one = timeMs(fill(unit, MB));
  const two = timeMs(fill(unit, 2 * MB));
  worst[1] = Math.max(worst[1], one);
  worst[2] = Math.max(worst[2], two);
  console.log(`${name.padEnd(24)} 1 MB ${one.toFixed(1).padStart(8)} ms   2 MB ${two.toFixed(1).padStart(8)} ms`);
}
console.log(
  JSON.stringify({
    ms_1mb: Number(worst[1].toFixed(1)),
    ms_2mb: Number(worst[2].toFixed(1)),
    growth: Number((worst[2] / worst[1]).toFixed(2)),
  }),
);
