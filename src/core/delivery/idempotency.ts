// Idempotency keys for provider requests: derived from exactly who is in the batch, so the same batch
// always carries the same key and a different set of readers never reuses one.
import { toBase64Url, utf8 } from '../encoding';

/** `tidings/<edition>/<sha-256 of the sorted recipient ids>`: well under Resend's 256 characters. */
export async function batchIdempotencyKey(editionId: string, recipientIds: readonly string[]): Promise<string> {
  const canonical = [...recipientIds].sort().join('\n');
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(`${editionId}\n${canonical}`)));
  return `tidings/${editionId}/${toBase64Url(digest)}`;
}
