// Inside the link-signing thread: sign each list of links it is sent, in order, and send the tokens back (or why
// a link could not be made: a destination that is not http(s), a token over the length limit).
import { parentPort, workerData } from 'node:worker_threads';
import { LinkSigner, type LinkKey } from '../../src/core/links/links';
import { signLinksWith } from '../../src/core/links/sign-links';
import { nodeHmacSha256 } from '../node-hmac';
import type { SignRequest } from './link-signing';

const port = parentPort!;
const signLinks = signLinksWith(new LinkSigner((workerData as { keys: LinkKey[] }).keys, nodeHmacSha256));

port.on('message', async ({ id, links }: SignRequest) => {
  try {
    port.postMessage({ id, tokens: await signLinks(links) });
  } catch (error) {
    port.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
