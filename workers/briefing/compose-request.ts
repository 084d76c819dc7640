// A send batch's request, composed: who it is for, the readers settled without an email, and the request body as the
// provider receives it. Composed on this thread (composeBatch, then serialised once) or on a compose thread
// (compose-threads.ts) with the same function, so the bytes are the same either way.
import type { DeliveryOutcome } from '../../src/store/deliveries';
import { batchRequestBody, type BatchEmail } from '../mail/transport';
import type { SendBatchJob } from '../queues';
import { stageClock } from '../send-stages';
import { composeBatch, type BatchComposeDeps } from './compose-batch';

export interface RequestRecipient {
  subscriber_id: string;
  article_ids: string[];
  reasons?: string[][];
}

export interface ComposedRequest {
  recipients: RequestRecipient[];
  /** Readers settled without an email (left, gone, nothing new): finished by the caller. */
  settled: DeliveryOutcome[];
  /** The request body exactly as the provider receives it (batchRequestBody). */
  body: Buffer;
  /** The emails, when composed on this thread (a transport that needs objects parses the body otherwise). */
  emails?: BatchEmail[];
}

/** Composes one batch's request. */
export type BatchComposer = (data: SendBatchJob) => Promise<ComposedRequest>;

export function composeOnThisThread(deps: BatchComposeDeps): BatchComposer {
  return async (data) => {
    const { ready, settled } = await composeBatch(deps, data);
    const emails = ready.map((r) => r.email);
    return {
      recipients: ready.map(({ subscriber_id, article_ids, reasons }) => ({ subscriber_id, article_ids, reasons })),
      settled,
      emails,
      body: stageClock().time('build_request', () => batchRequestBody(emails)),
    };
  };
}
