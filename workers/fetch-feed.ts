// Fetch one feed over http(s) the careful way: conditional GET, a timeout that covers the whole
// body, a size limit enforced while streaming, and every failure as a reason an operator can act on.

export interface Validators {
  etag: string | null;
  last_modified: string | null;
}

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
}

export type FetchOutcome =
  | { status: 'fetched'; body: string; validators: Validators; httpStatus: number }
  | { status: 'not_modified' }
  | { status: 'failed'; reason: string };

const ACCEPT = 'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';

export async function fetchFeed(url: string, validators: Validators, limits: FetchLimits): Promise<FetchOutcome> {
  const headers: Record<string, string> = { accept: ACCEPT, 'user-agent': 'Tidings feed reader (+https://github.com/tidings)' };
  if (validators.etag) headers['if-none-match'] = validators.etag;
  if (validators.last_modified) headers['if-modified-since'] = validators.last_modified;
  // One signal for connecting and reading: a server that trickles bytes forever is cut off too.
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { headers, signal, redirect: 'follow' });
  } catch (error) {
    return { status: 'failed', reason: describeFetchError(error, limits) };
  }
  if (response.status === 304) {
    await response.body?.cancel().catch(() => {});
    return { status: 'not_modified' };
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    return { status: 'failed', reason: `the feed answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}; check the URL, or remove the source if it is gone` };
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    await response.body?.cancel().catch(() => {});
    return { status: 'failed', reason: tooLarge(`declares ${declared} bytes`, limits) };
  }
  let bytes: Uint8Array;
  try {
    const read = await readLimited(response, limits.maxBytes);
    if (!read) return { status: 'failed', reason: tooLarge(`sent more than ${limits.maxBytes} bytes; reading stopped there`, limits) };
    bytes = read;
  } catch (error) {
    return { status: 'failed', reason: describeFetchError(error, limits) };
  }
  const body = new TextDecoder(charsetOf(response.headers.get('content-type'))).decode(bytes);
  return {
    status: 'fetched',
    body,
    httpStatus: response.status,
    validators: { etag: response.headers.get('etag'), last_modified: response.headers.get('last-modified') },
  };
}

/** Read the body, or return null as soon as it passes `maxBytes` (the rest is never downloaded). */
async function readLimited(response: Response, maxBytes: number): Promise<Uint8Array | null> {
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function tooLarge(what: string, limits: FetchLimits): string {
  return `the feed ${what}, over the limit of ${limits.maxBytes} bytes (FEED_MAX_BYTES); raise the limit if this feed is really that large`;
}

function charsetOf(contentType: string | null): string {
  const charset = /charset=["']?([\w-]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase() ?? 'utf-8';
  try {
    new TextDecoder(charset);
    return charset;
  } catch {
    return 'utf-8';
  }
}

function describeFetchError(error: unknown, limits: FetchLimits): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no complete answer within ${limits.timeoutMs} ms (FEED_TIMEOUT_MS); the server may be down or very slow`;
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `could not fetch the feed: ${e?.message ?? String(error)}${cause ? ` (${cause})` : ''}`;
}
