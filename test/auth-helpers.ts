// Sign-in test helpers: a real Node server on a free port (the app with test deps plus the workers), the dev outbox, forms.
import { serve, type ServerType } from '@hono/node-server';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app';
import { createBufferedRecorder } from '../src/recording/buffered-recorder';
import { appendEvents } from '../src/store/events';
import type { EnvSource } from '../src/env';
import { listOutbox } from '../src/store/outbox';
import type { OutboxMessage } from '../src/contracts';
import type { RunningWorkers } from '../workers/index';
import { startTestWorkers } from './fixtures/workers';
import { testEnv, type TestEnv } from './helpers';

export interface AuthServer {
  url: string;
  t: TestEnv;
  /** The running workers (absent with workers: false). */
  workers?: RunningWorkers;
  /** Move the app's clock (expired links without waiting). */
  advance(seconds: number): void;
  /** The newest email to `to` whose id is not in `seen`, waiting for the worker to send it. */
  nextMail(to: string, seen?: Set<string>): Promise<MailLink>;
  close(): Promise<void>;
}

export interface MailLink {
  message: OutboxMessage;
  /** The URL behind the button, from the plain-text part. */
  link: string;
  code: string;
}

/** Start the app on 127.0.0.1:<free port> with PUBLIC_BASE_URL set to that address, and (by default) the workers. */
export async function startAuthServer(overrides: EnvSource = {}, options: { workers?: boolean } = {}): Promise<AuthServer> {
  let handler: (request: Request, env: unknown) => Response | Promise<Response> = () => new Response('starting', { status: 503 });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: (request, env) => handler(request, env), port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const t = testEnv({ PUBLIC_BASE_URL: url, ...overrides });
  let offset = 0;
  const now = () => new Date(Date.now() + offset * 1000);
  const recorder = createBufferedRecorder({ store: (events) => appendEvents(t.db, events), log: t.log });
  const app = createApp({ config: t.config, db: t.db, signer: t.signer, recorder, log: t.log, now });
  handler = (request, env) => app.fetch(request, env as never);
  let workers: RunningWorkers | undefined;
  if (options.workers !== false) {
    workers = await startTestWorkers(t, now);
  }
  return {
    url,
    t,
    workers,
    advance(seconds) {
      offset += seconds;
    },
    async nextMail(to, seen = new Set()) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const message = (await listOutbox(t.db, 50)).find((m) => m.to.includes(to) && !seen.has(m.id));
        if (message) {
          seen.add(message.id);
          return { message, link: linkOf(message), code: codeOf(message) };
        }
        if (Date.now() > deadline) throw new Error(`no sign-in email to ${to} reached the outbox within 10 s`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      await workers?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await t.cleanup();
    },
  };
}

export function linkOf(message: OutboxMessage): string {
  const match = /(https?:\/\/\S+\/auth\/(?:v1\/verify|confirm)\?\S+)/.exec(message.text);
  if (!match) throw new Error(`no sign-in link in the email's text part:\n${message.text}`);
  return match[1]!;
}

export function codeOf(message: OutboxMessage): string {
  const match = /^\s*(\d{6})\s*$/m.exec(message.text);
  if (!match) throw new Error(`no standalone 6-digit code in the email's text part:\n${message.text}`);
  return match[1]!;
}

/** The first form of a page: its action and its fields (hidden inputs), as a browser would submit them. */
export function formOf(html: string, action?: string): { action: string; fields: Record<string, string> } {
  const forms = [...html.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
  const form = action ? forms.find((f) => f[1] === action) : forms[0];
  if (!form) throw new Error(`no form${action ? ` posting to ${action}` : ''} in the page:\n${html.slice(0, 2000)}`);
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
    if (name) fields[name] = decodeEntities(value);
  }
  return { action: decodeEntities(form[1]!), fields };
}

function decodeEntities(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

/** Submit a form like a browser on this site would (Origin header, form encoding), without following redirects. */
export function submit(
  base: string,
  action: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(new URL(action, base), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(base).origin, ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

/** A Storage for supabase-js in Node that the test can read. */
export function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

/**
 * supabase-js builds a realtime client at creation and Node 20 has no global WebSocket; these tests never open
 * one, but the constructor needs a class. `ws` is already installed (with wrangler and react-email).
 */
export const realtimeTransport = createRequire(import.meta.url)('ws') as new (url: string) => WebSocket;

/** A cookie-keeping HTTP client that behaves like one browser on the site (no JavaScript, no redirects followed). */
export function agent(base: string, userAgent = 'Mozilla/5.0 (tidings-test)') {
  const jar = new Map<string, string>();
  const remember = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /max-age=0/i.test(a) || /expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  return {
    jar,
    setCookies: [] as string[],
    async get(path: string, method: 'GET' | 'HEAD' = 'GET'): Promise<Response> {
      return remember(
        await fetch(new URL(path, base), { method, headers: { cookie: cookie(), 'user-agent': userAgent }, redirect: 'manual' }),
      );
    },
    async post(action: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
      return remember(await submit(base, action, fields, { cookie: cookie(), 'user-agent': userAgent, ...headers }));
    },
  };
}
