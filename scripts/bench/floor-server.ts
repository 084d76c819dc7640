// Benchmark floor: the least a recording redirect can do, to show what this machine allows. It verifies the
// token exactly as Tidings does and answers the same 302, but records only (token, time, user agent) into a
// stream in pipelined batches: no bot rules, no click window, no event contract. Not a design to copy:
// a measuring stick for bench:redirect (scripts/bench-redirect.ts).
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/env';
import { LinkSigner } from '../../src/core/links/links';
import { nodeHmacSha256 } from '../../workers/node-hmac';
import { createKeys } from '../../src/store/keys';

const config = loadConfig();
const signer = new LinkSigner(config.LINK_SIGNING_KEYS, nodeHmacSha256);
const redis = new Redis(config.REDIS_URL);
const stream = `${createKeys(config.REDIS_PREFIX).events}:floor`;
const LINGER_MS = 5;

let batch: string[] = [];
let timer: NodeJS.Timeout | undefined;
let writing: Promise<unknown> = Promise.resolve();
let recorded = 0;

// The cheapest way found to append a batch: one command whose one argument holds every entry, one per line.
const appendLines = `for line in string.gmatch(ARGV[1], '[^\\n]+') do redis.call('XADD', KEYS[1], '*', 'click', line) end`;
redis.defineCommand('appendLines', { numberOfKeys: 1, lua: appendLines });
const append = (redis as unknown as { appendLines(key: string, lines: string): Promise<unknown> }).appendLines.bind(redis);

function flush() {
  timer = undefined;
  const events = batch;
  batch = [];
  if (events.length === 0) return;
  writing = Promise.all([writing, append(stream, events.join('\n')).then(() => (recorded += events.length))]);
}

let served = 0;
const server = createServer((req, res) => {
  const token = (req.url ?? '').slice(3);
  const verified = signer.verifySync(token);
  if (!verified.ok) {
    res.writeHead(400, { 'Content-Length': '0' }).end();
    return;
  }
  batch.push(`${Date.now()}\t${token}\t${req.headers['user-agent'] ?? ''}`);
  timer ??= setTimeout(flush, LINGER_MS);
  res.writeHead(302, { Location: verified.payload.url, 'Cache-Control': 'private, no-store', 'Content-Length': '0' });
  res.end();
  served++;
});

server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as { port: number }).port }));
process.on('message', (message: { cmd?: string }) => {
  if (message.cmd === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  else if (message.cmd === 'drain') {
    if (timer) clearTimeout(timer);
    flush();
    void writing.then(() => process.send?.({ stats: { recorded }, served }));
  } else if (message.cmd === 'stop') {
    server.close(() => {
      redis.disconnect();
      process.exit(0);
    });
  }
});
