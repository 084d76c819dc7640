// Inside a compose thread: its own Redis connection, signer, renderer and candidate pool; each batch it is sent is
// composed as the worker's main thread would (composeOnThisThread) and the request body handed back without a copy.
import { parentPort, workerData } from 'node:worker_threads';
import { createFastBriefingRenderer } from '../../emails/fast-briefing';
import { nodeHmacSha256 } from '../../node/node-hmac';
import { appRedis } from '../../node/redis';
import type { Config } from '../../src/env';
import { LinkSigner } from '../../src/core/links/links';
import type { RedisEndpoint } from '../../src/store/connection';
import { createKeys } from '../../src/store/keys';
import type { SendBatchJob } from '../queues';
import { startStageTiming, stageClock, type StageTimes } from '../send-stages';
import { createCandidatePoolCache } from './candidate-pool';
import { composeOnThisThread, type ComposedRequest } from './compose-request';

export interface ComposeThreadData {
  config: Config;
  endpoint: RedisEndpoint;
}

export type ComposeThreadReply =
  | { ready: true }
  | { id: number; ok: true; result: Omit<ComposedRequest, 'emails' | 'body'> & { body: Uint8Array }; stages: StageTimes }
  | { id: number; ok: false; error: string };

const port = parentPort!;
const { config, endpoint } = workerData as ComposeThreadData;
startStageTiming(config.SEND_STAGE_TIMING);
const compose = composeOnThisThread({
  config,
  db: { redis: appRedis(endpoint), keys: createKeys(config.REDIS_PREFIX) },
  signer: new LinkSigner(config.LINK_SIGNING_KEYS, nodeHmacSha256),
  renderer: createFastBriefingRenderer(),
  candidatePool: createCandidatePoolCache(),
});

port.on('message', async ({ id, job }: { id: number; job: SendBatchJob }) => {
  let reply: ComposeThreadReply;
  try {
    const { emails: _emails, body, ...rest } = await compose(job);
    // A body of megabytes has its own memory (Buffer pools only small ones): handed over, not copied.
    const own = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body : Buffer.from(body);
    reply = { id, ok: true, result: { ...rest, body: own }, stages: stageClock().take() };
    port.postMessage(reply, [own.buffer as ArrayBuffer]);
  } catch (error) {
    reply = { id, ok: false, error: error instanceof Error ? error.message : String(error) };
    port.postMessage(reply);
  }
});

port.postMessage({ ready: true } satisfies ComposeThreadReply);
