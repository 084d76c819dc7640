// Attribute a worker's CPU profile (node --cpu-prof) to the stages of sending a briefing: each sample goes to the
// nearest frame on its stack (leaf first) that belongs to a stage, so Redis client code called while composing counts
// as Redis, JSON.stringify inside batchRequestBody as building the request, and so on. Main thread only.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Stages, and how a frame is recognised (function name, file); the first rule that matches a frame wins. */
const rules: Array<[stage: string, match: (fn: string, url: string) => boolean]> = [
  ['gc', (fn) => fn === '(garbage collector)'],
  ['idle', (fn) => fn === '(idle)' || fn === '(program)'],
  ['redis (client side of round trips)', (_, url) => /node_modules\/(ioredis|@ioredis|redis-parser|cluster-key-slot)\//.test(url)],
  ['queue (BullMQ)', (_, url) => url.includes('node_modules/bullmq/')],
  [
    'provider call (SDK, HTTP)',
    (fn, url) => /node_modules\/(resend|undici)\//.test(url) || (fn === 'sendBatch' && url.includes('resend-transport')),
  ],
  ['render', (_, url) => url.includes('fast-briefing.ts') || url.includes('briefing-text.ts') || url.includes('react-dom')],
  ['sign links', (_, url) => /briefing-props\.ts|briefing-links\.ts|compact-links\.ts|core\/links\/links\.ts|node-hmac\.ts/.test(url)],
  ['rank', (fn, url) => url.includes('core/interest/ranking.ts') && fn !== 'prepareCandidates'],
  [
    'prepare candidates',
    (fn, url) => url.includes('candidate-pool.ts') || url.includes('article-features.ts') || fn === 'prepareCandidates',
  ],
  [
    'compose (select, record)',
    (_, url) => url.includes('compose-briefing.tsx') || url.includes('select-articles.ts') || url.includes('clip.ts'),
  ],
  ['store briefings', (fn, url) => fn === 'saveSentBriefings' || url.includes('sent-briefings.ts')],
  ['build request', (fn, url) => fn === 'batchRequestBody' || fn === 'addEmail' || fn === 'utf8Bytes' || url.includes('idempotency.ts')],
  ['compress (stored request, stored briefings)', (fn, url) => fn === 'pack' || fn === 'unpack' || url === 'node:zlib'],
  ['finish (records, events, archive)', (_, url) => /store\/deliveries\.ts|reader-briefings\.ts/.test(url)],
  ['plan', (_, url) => url.includes('plan-edition.ts') || url.includes('store/subscribers.ts')],
  [
    'read and parse reader state',
    (_, url) => url.includes('compose-batch.ts') || url.includes('store/interest.ts') || url.includes('/zod/'),
  ],
  ['send-batch (rest)', (_, url) => url.includes('send-batch.ts') || url.includes('send-limiter.ts')],
  ['start-up (loading modules)', (_, url) => url.startsWith('node:internal/modules') || url.includes('/tsx/')],
];

export type ProfileStages = Record<string, number>;

/** CPU milliseconds by stage in one profile (idle left out). */
export function profileStages(file: string): ProfileStages {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stageOf = new Map<number, string>();
  const resolve = (id: number): string => {
    const known = stageOf.get(id);
    if (known !== undefined) return known;
    const { functionName, url } = original(byId.get(id)!.callFrame);
    const rule = rules.find(([, match]) => match(functionName, url));
    const up = parent.get(id);
    const stage = rule ? rule[0] : up === undefined ? 'other' : resolve(up);
    stageOf.set(id, stage);
    return stage;
  };
  const ms: ProfileStages = {};
  profile.samples.forEach((id, i) => {
    const stage = resolve(id);
    ms[stage] = (ms[stage] ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000;
  });
  delete ms.idle;
  return ms;
}

/**
 * The source file a frame of the compiled build (dist/*.mjs, with its linked source map) comes from, so the rules
 * above, written against source files, apply to a worker running `npm run build`'s output as well.
 */
const maps = new Map<string, SourceMap | null>();
function original(frame: ProfileNode['callFrame']): { functionName: string; url: string } {
  if (!/\/dist\/[^/]+\.mjs$/.test(frame.url)) return frame;
  let map = maps.get(frame.url);
  if (map === undefined) {
    const file = `${fileURLToPath(frame.url)}.map`;
    map = existsSync(file) ? new SourceMap(JSON.parse(readFileSync(file, 'utf8'))) : null;
    maps.set(frame.url, map);
  }
  const entry = map?.findEntry(frame.lineNumber, frame.columnNumber);
  return entry && 'originalSource' in entry ? { functionName: frame.functionName, url: entry.originalSource } : frame;
}

/** Milliseconds per briefing by stage, over several profiles (several worker processes), largest first. */
export function profileTable(files: readonly string[], briefings: number): Record<string, number> {
  const total: ProfileStages = {};
  for (const file of files) for (const [stage, ms] of Object.entries(profileStages(file))) total[stage] = (total[stage] ?? 0) + ms;
  const sum = Object.values(total).reduce((a, b) => a + b, 0);
  const rows = Object.entries(total).sort((a, b) => b[1] - a[1]);
  return Object.fromEntries([['total', sum], ...rows].map(([stage, ms]) => [stage, Number(((ms as number) / briefings).toFixed(3))]));
}
