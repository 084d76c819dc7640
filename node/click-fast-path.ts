// The Node fast path for /c/: a good click token is answered straight from node:http, with the same
// decideClick as the Hono route; everything else (bad tokens' 400 page, every other path) goes to Hono.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { clickRedirectHeaders, decideClick } from '../src/core/links/clicks';
import type { LinkSigner } from '../src/core/links/links';
import type { EventRecorder } from '../src/recording/recorder';
import { clientAddress } from '../src/core/links/client-ip';
import { createClickBudget, type ClickBudget } from '../src/core/links/click-budget';

export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface FastPathDeps {
  /** Made with a synchronous HMAC (services.ts does), so a redirect is answered without a promise. */
  signer: LinkSigner;
  recorder: EventRecorder;
  now: () => Date;
  /** TRUST_PROXY_HOPS: reverse proxies whose X-Forwarded-For entries are believed (default 0). */
  trustProxyHops?: number;
  /** Events per link per minute; pass the app's so both adapters count together (one is made when absent). */
  clickBudget?: ClickBudget;
  /** Told how long each redirect took, in seconds (the /metrics histogram). */
  observe?: (seconds: number) => void;
}

/**
 * Wrap the Hono listener so GET/HEAD /c/<token> skips the Request/Response translation. Profiling showed
 * that translation, Web Crypto's per-call cost and the promise hops were most of a redirect (docs/links-and-clicks.md).
 */
export function withClickFastPath(fallback: NodeListener, deps: FastPathDeps): NodeListener {
  const budget = deps.clickBudget ?? createClickBudget();
  return (req, res) => {
    const url = req.url ?? '';
    const method = req.method ?? '';
    if (!url.startsWith('/c/') || (method !== 'GET' && method !== 'HEAD')) return fallback(req, res);
    const started = deps.observe ? performance.now() : 0;
    const end = url.indexOf('?');
    const token = url.slice(3, end === -1 ? undefined : end);
    // Tokens are plain base64url and dots; anything encoded or nested is Hono's to judge and explain.
    if (token.includes('/') || token.includes('%')) return fallback(req, res);
    const hops = deps.trustProxyHops ?? 0;
    const peer = req.socket.remoteAddress ?? null;
    const ip = hops === 0 ? peer : clientAddress(peer, headerOf(req.rawHeaders, 'x-forwarded-for'), hops);
    const request = { token, method, userAgent: headerOf(req.rawHeaders, 'user-agent'), ip };
    let outcome: ReturnType<typeof decideClick>;
    try {
      outcome = decideClick(deps.signer.verifySync(token), request, deps.now(), budget);
    } catch {
      // Nothing here may throw out of a request listener (it would end the process): Hono judges and answers.
      return fallback(req, res);
    }
    // A refused token gets Hono's page (it verifies again; refusals are rare and not worth a second page).
    if (!outcome.ok) return fallback(req, res);
    if (outcome.event) deps.recorder.record(outcome.event);
    res.writeHead(302, { Location: outcome.location, ...clickRedirectHeaders, 'Content-Length': '0' });
    res.end();
    deps.observe?.((performance.now() - started) / 1000);
  };
}

/** One header (lower-case name) from the raw header list: reading req.headers would build the whole header object. */
function headerOf(raw: string[], lowerName: string): string | null {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) return raw[i + 1] ?? null;
  }
  return null;
}
