// Fetch one feed over http(s) the careful way: conditional GET, a timeout that covers the whole
// body, a size limit enforced while streaming, public addresses only (checked after DNS, on every
// redirect hop, and pinned for the connection), and every failure as a reason an operator can act on.
// Every fetch of a URL someone else chose (sources, and discovery) goes through here.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent, fetch as undiciFetch, type Response as UndiciResponse } from 'undici';
import { addressVerdict, hostIsListed, isAddressLiteral, type AddressPolicy } from '../src/core/feeds/address-guard';

export interface Validators {
  etag: string | null;
  last_modified: string | null;
}

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
  /** Which addresses may be reached (address-guard.ts); production: public only, plus FETCH_ALLOW_HOSTS. */
  addresses: AddressPolicy;
}

/** The address policy a configuration asks for: loopback outside production, plus FETCH_ALLOW_HOSTS. */
export function fetchPolicyFrom(config: { NODE_ENV: string; FETCH_ALLOW_HOSTS: readonly string[] }): AddressPolicy {
  return { allowLoopback: config.NODE_ENV !== 'production', allow: config.FETCH_ALLOW_HOSTS };
}

/** Redirects followed before giving up; each hop is checked like the first. */
export const MAX_REDIRECTS = 5;

/** Raised inside the connection's DNS lookup: the name resolved to an address the policy refuses. */
class AddressRefused extends Error {
  readonly code = 'ERR_ADDRESS_REFUSED';
}

/**
 * The DNS lookup the connection uses: resolve, check every address, hand the checked ones to the
 * socket. The socket connects to exactly what was checked, so a name that answers differently a
 * moment later (DNS rebinding) cannot slip past.
 */
function guardedLookup(policy: AddressPolicy) {
  return (
    hostname: string,
    options: { all?: boolean; family?: number | string },
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { ...options, all: true } as never, (error: NodeJS.ErrnoException | null, found: LookupAddress[]) => {
      if (error) return callback(error, '');
      if (!hostIsListed(hostname, policy)) {
        for (const entry of found) {
          const verdict = addressVerdict(entry.address, policy);
          if (!verdict.ok) return callback(new AddressRefused(`${hostname} resolves to ${verdict.reason}`), '');
        }
      }
      if (options.all) return callback(null, found);
      callback(null, found[0]!.address, found[0]!.family);
    });
  };
}

/** The reason a URL may not be fetched before any connection is made (scheme, address literal), or null. */
function refusedBeforeConnecting(url: URL, policy: AddressPolicy): string | null {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${url.protocol} is not http or https`;
  // A literal address needs no lookup, so the socket would never ask guardedLookup: check it here.
  if (isAddressLiteral(url.hostname)) {
    const verdict = addressVerdict(url.hostname, policy);
    if (!verdict.ok) return verdict.reason;
  }
  return null;
}

const notPublic = (what: string) =>
  `${what}; feeds are fetched from public addresses only. If this feed really lives on your network, list its host (or range) in FETCH_ALLOW_HOSTS`;

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
  const agent = new Agent({ connect: { lookup: guardedLookup(limits.addresses) } });
  try {
    return await fetchThrough(agent, new URL(url), headers, signal, limits);
  } finally {
    void agent.destroy().catch(() => {});
  }
}

/** Follow redirects one hop at a time, checking each target before anything is sent to it. */
async function fetchThrough(
  agent: Agent,
  start: URL,
  headers: Record<string, string>,
  signal: AbortSignal,
  limits: FetchLimits,
): Promise<FetchOutcome> {
  let url = start;
  let response: UndiciResponse;
  for (let hop = 0; ; hop++) {
    const refused = refusedBeforeConnecting(url, limits.addresses);
    if (refused)
      return {
        status: 'failed',
        reason: notPublic(hop === 0 ? `refused: ${refused}` : `refused: the feed redirected to ${url.href}, and ${refused}`),
      };
    try {
      response = await undiciFetch(url, { headers, signal, redirect: 'manual', dispatcher: agent });
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      if (cause instanceof AddressRefused)
        return {
          status: 'failed',
          reason: notPublic(hop === 0 ? `refused: ${cause.message}` : `refused: the feed redirected to ${url.href}, and ${cause.message}`),
        };
      return { status: 'failed', reason: describeFetchError(error, limits) };
    }
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || response.status === 304 || !location) break;
    await response.body?.cancel().catch(() => {});
    if (hop === MAX_REDIRECTS)
      return {
        status: 'failed',
        reason: `the feed went through more than ${MAX_REDIRECTS} redirects (the last to ${location}); use the final feed URL`,
      };
    try {
      url = new URL(location, url);
    } catch {
      return { status: 'failed', reason: `the feed redirected to "${location}", which is not a URL` };
    }
  }
  if (response.status === 304) {
    await response.body?.cancel().catch(() => {});
    return { status: 'not_modified' };
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    return {
      status: 'failed',
      reason: `the feed answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}; check the URL, or remove the source if it is gone`,
    };
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
async function readLimited(response: UndiciResponse, maxBytes: number): Promise<Uint8Array | null> {
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
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError')
    return `no complete answer within ${limits.timeoutMs} ms (FEED_TIMEOUT_MS); the server may be down or very slow`;
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `could not fetch the feed: ${e?.message ?? String(error)}${cause ? ` (${cause})` : ''}`;
}
