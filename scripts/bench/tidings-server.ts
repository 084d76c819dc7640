// Benchmark subject: the Tidings edge app on Node as `npm start` runs it (fast path, buffered recorder,
// real Redis), controlled over IPC by scripts/bench-redirect.ts.
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/env';
import { listen } from '../../node/main';
import { createNodeRecorder } from '../../src/recording/node-recorder';
import { statePaths } from '../../node/paths';
import { createNodeLogger } from '../../node/logger';
import { openServices } from '../../node/services';

const config = loadConfig();
const log = createNodeLogger(config.LOG_LEVEL);
const services = openServices(config, config.REDIS_URL, log);
const recorder = createNodeRecorder(services.db, statePaths(config.STATE_DIR).spillDir, log);
const app = createApp({ config, db: services.db, signer: services.signer, recorder, log, now: services.now });
const server = await listen(
  app.fetch,
  { PORT: 0, HOST: '127.0.0.1' },
  { signer: services.signer, recorder, now: services.now, trustProxyHops: config.TRUST_PROXY_HOPS },
);
// Count redirects the server answered. This listener runs right after the app's own, and the /c/ fast
// path answers synchronously, so a finished 302 is already visible here (no per-request listener needed).
let served = 0;
server.on('request', (_req, res: import('node:http').ServerResponse) => {
  if (res.statusCode === 302 && res.writableEnded) served++;
});
process.send?.({ port: (server.address() as { port: number }).port });

process.on('message', (message: { cmd?: string }) => {
  if (message.cmd === 'cpu') {
    process.send?.({ cpu: process.cpuUsage() });
  } else if (message.cmd === 'drain') {
    void recorder.flush().then(() => process.send?.({ stats: recorder.stats(), served }));
  } else if (message.cmd === 'stop') {
    server.close(() => {
      recorder.close();
      // process.exit lets --cpu-prof write its profile.
      void services.close().then(() => process.exit(0));
    });
  }
});
