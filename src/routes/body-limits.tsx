// Request body limits: every route reads at most what it could ever need, and a larger body gets a 413 unread.
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MessagePage } from './layout';

const KiB = 1024;

/**
 * The largest body each part of the site accepts, first match wins. Sizes are generous for what is
 * really sent (a sign-in request is under 1 KiB, a Resend event a few KiB) and small against memory.
 */
export const bodyLimits: ReadonlyArray<{ prefix: string; maxBytes: number; answer: 'json' | 'page' }> = [
  // Resend's delivery events are small JSON; 256 KiB leaves room for long headers and tags.
  { prefix: '/webhooks/', maxBytes: 256 * KiB, answer: 'json' },
  // Sign-in protocol bodies: an address, a PKCE challenge, metadata of at most 2 KiB, a token.
  { prefix: '/auth/v1/', maxBytes: 16 * KiB, answer: 'json' },
  // Operator API: schedules and other small JSON documents.
  { prefix: '/ops/api/', maxBytes: 64 * KiB, answer: 'json' },
  { prefix: '/metrics', maxBytes: 16 * KiB, answer: 'json' },
  // Every form of the site (sign-in, confirm with an access token, reader actions, preferences, operator pages).
  { prefix: '/', maxBytes: 32 * KiB, answer: 'page' },
];

function limitFor(path: string) {
  return bodyLimits.find((l) => path.startsWith(l.prefix)) ?? bodyLimits[bodyLimits.length - 1]!;
}

function tooLarge(c: Context, maxBytes: number, answer: 'json' | 'page'): Response | Promise<Response> {
  // The rest of the upload is never read: ask the client to stop sending on this connection.
  c.header('Connection', 'close');
  if (answer === 'json') {
    return c.json(
      {
        error: 'body_too_large',
        message: `The request body is larger than this endpoint accepts (${maxBytes} bytes at most); nothing was read or stored.`,
      },
      413,
    );
  }
  return c.html(
    <MessagePage
      title="That was too large to accept"
      message="The form sent far more than this page ever needs, so nothing was read or changed."
      next="Go back, reload the page and press the button again."
    />,
    413,
  );
}

/** One middleware for the whole app: the limit and the kind of answer follow the path. */
export function limitBodies(): MiddlewareHandler {
  const byPrefix = new Map(
    bodyLimits.map((l) => [l.prefix, bodyLimit({ maxSize: l.maxBytes, onError: (c) => tooLarge(c, l.maxBytes, l.answer) })]),
  );
  return (c, next) => {
    if (!c.req.raw.body) return next();
    return byPrefix.get(limitFor(c.req.path).prefix)!(c, next);
  };
}
