// The client's address as the runtime saw it: the socket on Node, Cloudflare's header on Workers.
import type { Context } from 'hono';

/** On Node the socket address wins, so a forged cf-connecting-ip header cannot override it. */
export function clientIp(c: Context): string | null {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  if (incoming) return incoming.socket?.remoteAddress ?? null;
  return c.req.header('cf-connecting-ip') ?? null;
}
