// The batch composer's links signed on a thread of their own. A batch signs ~6,000 links (about 60 a reader): on
// the thread that composes, that was ~15% of its time while the machine's other core had room. The composer sends
// the links of a few readers at a time (one message each way), so this thread signs while it ranks the next ones.
// The tokens are LinkSigner's, byte for byte (link-signing.test.ts).
import { Worker } from 'node:worker_threads';
import { LinkError, type LinkKey } from '../../src/core/links/links';
import type { LinkToSign, SignLinks } from '../../src/core/links/sign-links';

export interface SignRequest {
  id: number;
  links: readonly LinkToSign[];
}
type SignAnswer = { id: number; tokens: string[] } | { id: number; error: string };

// Next to this file when running from source (a tsx shim), next to the bundle in the compiled build.
const THREAD_ENTRY = new URL('./signing-thread.mjs', import.meta.url);

export interface LinkSigning {
  signLinks: SignLinks;
  /** Stop the thread; links asked for afterwards start a new one. */
  close(): Promise<void>;
}

export function startLinkSigning(keys: readonly LinkKey[]): LinkSigning {
  let thread: Worker | null = null;
  let nextId = 1;
  const waiting = new Map<number, { resolve: (tokens: string[]) => void; reject: (error: Error) => void }>();

  const failAll = (error: Error) => {
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };

  // Started on first use: a process that never sends a batch never holds the thread.
  const started = (): Worker => {
    if (thread) return thread;
    const worker = new Worker(THREAD_ENTRY, {
      workerData: { keys },
      // Its garbage is short-lived strings: a small young generation keeps its memory small at little cost in time.
      resourceLimits: { maxYoungGenerationSizeMb: 6, maxOldGenerationSizeMb: 32 },
    });
    worker.unref(); // an idle signing thread must not keep the process alive
    worker.on('message', (answer: SignAnswer) => {
      const w = waiting.get(answer.id);
      waiting.delete(answer.id);
      if ('tokens' in answer) w?.resolve(answer.tokens);
      else w?.reject(new LinkError(answer.error));
    });
    // A thread that stops takes the links in flight with it: their batches fail and are retried, on a new thread.
    worker.on('error', (error) => failAll(new Error(`the link-signing thread failed: ${error.message}`)));
    worker.on('exit', (code) => {
      if (thread === worker) thread = null;
      failAll(new Error(`the link-signing thread stopped (exit code ${code})`));
    });
    return (thread = worker);
  };

  return {
    signLinks: (links) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        started().postMessage({ id, links } satisfies SignRequest);
      }),
    async close() {
      const worker = thread;
      thread = null;
      await worker?.terminate();
    },
  };
}
