// The client's address as the runtime saw it: the socket (through TRUST_PROXY_HOPS proxies) on Node,
// Cloudflare's header on Workers. Null when neither is known (in-process tests).
import type { Context } from 'hono';
import type { Config } from '../env';
import { clientAddress } from '../core/links/client-ip';

/** On Node the socket address wins (a forged cf-connecting-ip cannot override it); X-Forwarded-For only through trusted proxies. */
export function clientIp(c: Context, config: Pick<Config, 'TRUST_PROXY_HOPS'>): string | null {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  if (incoming)
    return clientAddress(incoming.socket?.remoteAddress ?? null, c.req.header('x-forwarded-for') ?? null, config.TRUST_PROXY_HOPS);
  return c.req.header('cf-connecting-ip') ?? null;
}
