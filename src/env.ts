// The environment, validated once at start-up: the only place that reads process.env or Worker bindings.
import { z } from 'zod';
import type { ConfigProblem } from './config-problem';
import { authConfigProblems, authSchema } from './env-auth';
import { allowEntryProblem } from './core/feeds/address-guard';

/** Values shipped for local development only; production refuses every one of them. */
export const devDefaults = {
  LINK_SIGNING_KEYS: 'dev:dev-only-link-signing-secret-0000000000000000',
  SESSION_SECRET: 'dev-only-session-secret-000000000000000000000000',
  OPERATOR_TOKEN: 'dev-only-operator-token-000000000000000000000000',
  MAIL_FROM: 'Tidings <briefing@tidings.localhost>',
} as const;

const MIN_SECRET_LENGTH = 32;
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export type EnvSource = Record<string, string | undefined>;

export interface SigningKey {
  id: string;
  secret: string;
}

const keyIdPattern = /^[A-Za-z0-9_-]{1,16}$/;

const signingKeys = z.string().transform((raw, ctx): SigningKey[] => {
  const keys: SigningKey[] = [];
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const colon = part.indexOf(':');
    const id = colon > 0 ? part.slice(0, colon) : '';
    const secret = colon > 0 ? part.slice(colon + 1) : '';
    if (!keyIdPattern.test(id) || !secret) {
      // The entry may be a bare secret: only its position is named, never any of its characters.
      const position =
        raw
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean)
          .indexOf(part) + 1;
      ctx.addIssue({
        code: 'custom',
        message: `each key is "id:secret" with an id of 1-16 letters, digits, - or _ (entry ${position} is not, e.g. "k2026:<48 random characters>"; its value is not shown)`,
      });
      return z.NEVER;
    }
    keys.push({ id, secret });
  }
  if (keys.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'at least one key is needed, as "id:secret"' });
    return z.NEVER;
  }
  if (new Set(keys.map((k) => k.id)).size !== keys.length) {
    ctx.addIssue({ code: 'custom', message: 'key ids must be unique' });
    return z.NEVER;
  }
  return keys;
});

declare module 'zod' {
  /** What docs/configuration.md shows for a variable (scripts/config-doc.ts); no effect on validation. */
  interface GlobalMeta {
    /** The default in words, where the schema's own default is not what a reader should see. */
    shown_default?: string;
    /** What production (NODE_ENV=production) demands of it, as checked by productionProblems below. */
    production?: string;
  }
}

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development').meta({
    description: 'Which rules apply; `production` turns on every rule in the production column.',
  }),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787).meta({ description: 'Port the edge app listens on.' }),
  HOST: z.string().min(1).optional().meta({
    description: 'Address the Node server listens on; a network address outside production needs ALLOW_DEV_ON_NETWORK.',
    shown_default: '`0.0.0.0` in production, `127.0.0.1` otherwise',
  }),
  ALLOW_DEV_ON_NETWORK: z.stringbool().default(false).meta({
    description: 'Let a development or test instance listen on a network address, dev outbox and dev operator token included.',
  }),
  PUBLIC_BASE_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .meta({
      description: 'The address readers reach; every link in every email is built from it.',
      shown_default: '`http://localhost:$PORT`',
      production: 'required; https; not localhost, 127.0.0.0/8, `::1` or `0.0.0.0`',
    }),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/ })
    .default(DEFAULT_REDIS_URL)
    .meta({
      description: 'Redis for queues, streams and data; when the default does not answer, `npm start` runs a private `redis-server`.',
    }),
  REDIS_CLUSTER_NODES: z
    .string()
    .optional()
    .refine((v) => v === undefined || v.split(',').every((node) => /^rediss?:\/\/[^\s,]+:\d+\/?$/.test(node.trim())), {
      message: 'must be comma-separated redis:// or rediss:// URLs with a port, e.g. redis://10.0.0.1:6379,redis://10.0.0.2:6379',
    })
    .meta({
      description:
        'Seed nodes of a Redis Cluster (or Valkey in cluster mode), comma-separated `redis://` or `rediss://` URLs; when set, every connection is a cluster client and `REDIS_URL` is not used ([cluster.md](cluster.md)).',
      shown_default: 'not set: one Redis at `REDIS_URL`',
    }),
  REDIS_PREFIX: z
    .string()
    .min(1)
    .default('tidings:')
    .refine((v) => !/[{}]/.test(v), {
      message: 'must not contain { or }: each key carries its own hash tag, and Redis hashes only the first one (e.g. tidings:)',
    })
    .meta({
      description: "Key prefix of Tidings' own data, without braces (the keys carry their own Redis Cluster hash tags).",
    }),
  QUEUE_PREFIX: z.string().min(1).default('{tidings}').meta({
    description: "BullMQ's key prefix; each queue gets its own hash tag from it (`{tidings:send-batch}`), so queues spread over a cluster.",
  }),
  LINK_SIGNING_KEYS: signingKeys.prefault(devDefaults.LINK_SIGNING_KEYS).meta({
    description: 'Keys that sign links, `id:secret` pairs, comma-separated; the first signs, all verify, so keys rotate.',
    shown_default: 'a development key',
    production: 'required; each secret ≥ 32 random characters, not a development value',
  }),
  SESSION_SECRET: z.string().default(devDefaults.SESSION_SECRET).meta({
    description: "Signs the readers' and the operator's session cookies.",
    shown_default: 'a development value',
    production: 'required; ≥ 32 random characters, not a development or example value',
  }),
  OPERATOR_TOKEN: z.string().default(devDefaults.OPERATOR_TOKEN).meta({
    description: 'Bearer token for `/ops/api` and `/metrics`, and what an operator types at `/ops/login`.',
    shown_default: '`dev-only-operator-token-000000000000000000000000`',
    production: 'required; ≥ 32 random characters, not a development or example value',
  }),
  RESEND_API_KEY: z.string().min(1).optional().meta({
    description: 'Resend API key; without it mail goes to the dev outbox at `/dev/outbox`.',
    shown_default: 'unset: the dev outbox',
    production: 'required (the dev outbox is refused)',
  }),
  RESEND_BASE_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .meta({
      description: "Another server that speaks Resend's API (tests and benchmarks use `test/fixtures/resend-server.ts`).",
      shown_default: "Resend's API",
    }),
  MAIL_FROM: z.string().min(3).default(devDefaults.MAIL_FROM).meta({
    description: 'Sender of every email.',
    production: 'required; a sender on your verified domain',
  }),
  INTEREST_HALF_LIFE_DAYS: z.coerce.number().positive().max(3650).default(21).meta({
    description: 'What a reader did counts half as much after this many days.',
  }),
  INTEREST_MAX_FEATURES: z.coerce.number().int().min(16).max(10_000).default(256).meta({
    description: 'The most features an interest profile keeps; past it the weakest are pruned.',
  }),
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0).meta({
    description: 'Reverse proxies in front of the Node app that append to `X-Forwarded-For` (nginx alone: 1); 0 believes only the socket.',
  }),
  EVENTS_RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(90).meta({
    description:
      'Reader events older than this leave the events stream (hourly), never before every consumer group is past them; 0 keeps all.',
  }),
  ARTICLE_MAX_AGE_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 3650)
    .default(168)
    .meta({
      description: 'Nothing older is mailed, counted back from the newest article.',
    }),
  FEED_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000).meta({
    description: 'A feed fetch gives up after this long, connecting and reading included.',
  }),
  FEED_MAX_BYTES: z.coerce.number().int().min(1024).max(1_000_000_000).default(5_000_000).meta({
    description: 'A feed fetch stops reading past this many bytes.',
  }),
  FEED_PARSE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000).meta({
    description: 'How long reading one fetched feed document may take on its parsing thread before the fetch fails.',
  }),
  FEED_PARSE_THREADS: z.coerce.number().int().min(1).max(32).default(2).meta({
    description: 'Threads that read feed documents, apart from the one that serves requests.',
  }),
  FETCH_ALLOW_HOSTS: z
    .string()
    .default('')
    .transform((raw, ctx) => {
      const entries = raw
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean);
      for (const entry of entries) {
        const problem = allowEntryProblem(entry);
        if (problem)
          ctx.addIssue({
            code: 'custom',
            message: `${problem}; list host names, addresses or ranges, comma-separated (e.g. feeds.intranet,10.1.0.0/16)`,
          });
      }
      return entries;
    })
    .meta({
      description:
        'Exceptions to "feeds are fetched from public addresses only": host names, addresses or CIDR ranges, comma-separated; outside production loopback is allowed too.',
      shown_default: 'empty',
    }),
  SEARCH_PROVIDER: z.enum(['searxng', 'brave', 'none']).default('searxng').meta({
    description:
      'Which search engine article and source discovery asks: `searxng` (self-hosted, at SEARCH_URL), `brave` (Brave Search news API, needs BRAVE_SEARCH_API_KEY) or `none`.',
  }),
  SEARCH_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:8888' })
    .optional()
    .meta({
      description:
        "The search engine's base URL: a SearXNG instance with JSON output enabled (docs/discovery.md); for `brave`, the API's base URL.",
      shown_default: 'unset: no search for SearXNG; the public Brave API for `brave`',
    }),
  BRAVE_SEARCH_API_KEY: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'Subscription token for the Brave Search API (SEARCH_PROVIDER=brave).' }),
  SEARCH_DAILY_BUDGET: z.coerce.number().int().min(0).max(100_000).default(50).meta({
    description: 'Search queries discovery may send per UTC day, all workers together; 0 turns search off.',
  }),
  DISCOVERY_FETCHES_PER_HOUR: z.coerce.number().int().min(0).max(100_000).default(60).meta({
    description: 'Pages, feeds and robots.txt files discovery may fetch per UTC hour, all workers together.',
  }),
  DISCOVERY_INTERVAL_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(360)
    .meta({ description: 'How often the workers run a discovery round; 0 runs it only from `npx tidings discover`.' }),
  DISCOVERY_AUTO_ACCEPT_SCORE: z.coerce.number().min(0).optional().meta({
    description: 'Suggested sources scoring at least this are added without an operator; unset, every suggestion waits for one.',
    shown_default: 'unset (off)',
  }),
  POLL_INTERVAL_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .default(60)
    .meta({
      description: 'Base polling interval per source; sources readers engage with are polled up to 4× as often, unread ones half as often.',
    }),
  BRIEFING_SIZE: z.coerce.number().int().min(1).max(50).default(10).meta({ description: 'Articles per briefing.' }),
  SEED_DEMO: z.stringbool().default(true).meta({
    description: 'Seed the demo feeds of `samples/feeds/` on first start.',
    production: 'never seeds',
  }),
  STATE_DIR: z.string().min(1).optional().meta({
    description: 'Local state on Node: the private Redis (data and address) and events spilled while Redis is away.',
    shown_default: '`.tidings/` in the project',
  }),
  RESEND_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must be the signing secret Resend shows for the webhook, "whsec_…"')
    .optional()
    .meta({
      description: 'Signing secret of the Resend webhook that posts to `/webhooks/resend`; unset, the webhook answers 503.',
      production: 'required with Resend',
    }),
  SEND_RATE_LIMIT: z.coerce.number().int().min(0).max(1000).default(2).meta({
    description:
      "Provider requests per second to start from; Resend's `ratelimit-*` headers adjust it while sending. 0: no pacing at all (a provider without a limit, benchmarks).",
  }),
  SEND_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4).meta({
    description:
      'Batches in flight at once per worker process: one composing (they are composed one at a time), the others waiting for their turn, at the provider or finishing. More only keeps more composed batches (~3 MB each) in memory.',
  }),
  SEND_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8).meta({
    description: 'Attempts per batch on 5xx, network errors and timeouts (a 429 spends none).',
  }),
  SEND_BACKOFF_MS: z.coerce.number().int().min(1).max(600_000).default(2000).meta({
    description: 'First retry delay of a batch, doubling each time.',
  }),
  SEND_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000).meta({
    description: 'A provider request taking longer counts as a network error.',
  }),
  SEND_LOCK_MS: z.coerce.number().int().min(500).max(600_000).default(30_000).meta({
    description: 'A batch (or plan) whose worker died is taken over after this long.',
  }),
  GUARDRAIL_COMPLAINT_PERCENT: z.coerce.number().gt(0).max(100).default(0.3).meta({
    description:
      "An edition whose spam complaints reach this share of emails sent pauses its schedule (Gmail's and Yahoo's bulk-sender rules ask for under 0.3).",
  }),
  GUARDRAIL_BOUNCE_PERCENT: z.coerce.number().gt(0).max(100).default(4).meta({
    description: 'An edition whose hard bounces reach this share of emails sent pauses its schedule (a stale list).',
  }),
  SEND_STAGE_TIMING: z.stringbool().default(false).meta({
    description: 'Time each stage of sending and print one `tidings-send-stages` line per batch (what `npm run bench:send` reports).',
  }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').meta({
    description: 'The least severe log line written (pino levels).',
  }),
  ...authSchema,
});

/** The schema itself, for the generated settings table in docs/configuration.md. */
export const envSchema = schema;

type Parsed = z.infer<typeof schema>;

/** Variables whose values are never printed, whatever is wrong with them. */
const SECRET_VARIABLES = new Set([
  'LINK_SIGNING_KEYS',
  'SESSION_SECRET',
  'OPERATOR_TOKEN',
  'RESEND_API_KEY',
  'RESEND_WEBHOOK_SECRET',
  'AUTH_JWT_SECRET',
  'SUPABASE_ANON_KEY',
]);

export interface Config extends Omit<Parsed, 'PUBLIC_BASE_URL' | 'HOST'> {
  PUBLIC_BASE_URL: string;
  HOST: string;
  /** Things the operator should know at start-up that are not errors (printed by the Node host). */
  notices: string[];
  /** True when REDIS_URL was not set (nor a cluster), so Tidings may start a private Redis for itself. */
  redisUrlIsDefault: boolean;
  /** REDIS_CLUSTER_NODES as a list; empty for one Redis at REDIS_URL. */
  redisClusterNodes: string[];
  /** True when mail goes to the dev outbox rather than a provider. */
  usesDevOutbox: boolean;
  /** Signs access tokens (HS256): AUTH_JWT_SECRET, or derived from SESSION_SECRET. */
  authJwtSecret: string;
}

export type { ConfigProblem };

/** Thrown when the environment cannot run Tidings; its message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      'Tidings cannot start: the configuration is not valid.\n' +
        problems.map((p) => `  - ${p.variable}: ${p.problem}`).join('\n') +
        '\nSee docs/configuration.md and .env.example for every variable.',
    );
    this.name = 'ConfigError';
  }
}

/** Parse and check the environment. Throws ConfigError naming each bad variable, all of them in one round. */
export function loadConfig(source: EnvSource = globalThis.process?.env ?? {}): Config {
  const input = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const problems: ConfigProblem[] = [];
  let parsed = schema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? 'environment');
      problems.push({ variable, problem: `${issue.message} (${shown(variable, input[variable])})` });
    }
    // The other rules still run, on defaults for the variables already reported, so one round tells everything.
    const rest = Object.fromEntries(Object.entries(input).filter(([name]) => !problems.some((p) => p.variable === name)));
    parsed = schema.safeParse(rest);
    if (!parsed.success) throw new ConfigError(problems);
  }
  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  const config: Config = {
    ...env,
    PUBLIC_BASE_URL: (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    // Outside production the dev outbox shows every sign-in link and code: reachable from this machine only, unless asked.
    HOST: env.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    notices: [],
    redisUrlIsDefault: input.REDIS_URL === undefined && env.REDIS_CLUSTER_NODES === undefined,
    redisClusterNodes: (env.REDIS_CLUSTER_NODES ?? '')
      .split(',')
      .map((node) => node.trim())
      .filter((node) => node.length > 0),
    usesDevOutbox: env.RESEND_API_KEY === undefined,
    authJwtSecret: env.AUTH_JWT_SECRET ?? `auth-jwt:${env.SESSION_SECRET}`,
  };
  const reported = new Set(problems.map((p) => p.variable));
  const later = [...authConfigProblems(config), ...(production ? productionProblems(config, input) : developmentProblems(config))];
  problems.push(...later.filter((p) => !reported.has(p.variable.split(' ')[0]!)));
  if (problems.length > 0) throw new ConfigError(problems);
  if (!production && env.HOST === undefined && input.PUBLIC_BASE_URL && !isLocalHostname(new URL(config.PUBLIC_BASE_URL).hostname)) {
    config.notices.push(
      `NODE_ENV is not set to production, so Tidings runs in development (dev outbox, dev operator token) and listens on ${config.HOST} only, ` +
        `although PUBLIC_BASE_URL is ${config.PUBLIC_BASE_URL}. For a real deployment set NODE_ENV=production; to open this development instance to the network anyway, set HOST and ALLOW_DEV_ON_NETWORK=true.`,
    );
  }
  return config;
}

/** How a bad value is quoted in an error: secrets never, URLs without their password, the rest cut short. */
function shown(variable: string, value: string | undefined): string {
  if (value === undefined) return 'not set';
  if (SECRET_VARIABLES.has(variable)) return `got ${value.length} characters, not shown`;
  let text = value;
  try {
    const url = new URL(value);
    if (url.password || url.username) {
      url.password = url.password ? '***' : '';
      url.username = url.username ? '***' : '';
      text = url.href;
    }
  } catch {
    // not a URL: shown as it is
  }
  return `got ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)}`;
}

/** Outside production: the dev outbox and the dev operator token must not be reachable from the network by accident. */
function developmentProblems(config: Config): ConfigProblem[] {
  if (config.ALLOW_DEV_ON_NETWORK || isLoopbackHost(config.HOST)) return [];
  return [
    {
      variable: 'HOST',
      problem:
        `is ${config.HOST}, a network address, while NODE_ENV is ${config.NODE_ENV}: the dev outbox (every sign-in link and code) and the dev operator token would be open to anyone who can reach it. ` +
        'For a real deployment set NODE_ENV=production; to expose this development instance knowingly, set ALLOW_DEV_ON_NETWORK=true; or leave HOST unset (127.0.0.1).',
    },
  ];
}

function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The rules that keep a development default from ever reaching real readers. */
function productionProblems(config: Config, input: Record<string, string | undefined>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const publicUrl = input.PUBLIC_BASE_URL;
  if (!publicUrl) {
    problems.push({
      variable: 'PUBLIC_BASE_URL',
      problem: 'is required in production: the https address readers reach, e.g. https://tidings.example.com',
    });
  } else {
    const url = new URL(publicUrl);
    if (url.protocol !== 'https:') {
      problems.push({
        variable: 'PUBLIC_BASE_URL',
        problem: `must use https in production (got ${publicUrl}); e.g. https://tidings.example.com`,
      });
    }
    if (isLocalHostname(url.hostname)) {
      problems.push({
        variable: 'PUBLIC_BASE_URL',
        problem: `points at this machine (${url.hostname}); links in emails would not open for readers. Use the public address, e.g. https://tidings.example.com`,
      });
    }
  }
  for (const name of ['SESSION_SECRET', 'OPERATOR_TOKEN'] as const) {
    problems.push(...secretProblems(name, input[name]));
  }
  if (!input.LINK_SIGNING_KEYS) {
    problems.push({
      variable: 'LINK_SIGNING_KEYS',
      problem: `is required in production: "id:secret" pairs, comma-separated, each secret at least ${MIN_SECRET_LENGTH} random characters (openssl rand -base64 48)`,
    });
  } else {
    for (const key of config.LINK_SIGNING_KEYS) {
      problems.push(...secretProblems(`LINK_SIGNING_KEYS (key "${key.id}")`, key.secret));
    }
  }
  if (input.AUTH_JWT_SECRET !== undefined) problems.push(...secretProblems('AUTH_JWT_SECRET', input.AUTH_JWT_SECRET));
  if (config.usesDevOutbox) {
    problems.push({
      variable: 'RESEND_API_KEY',
      problem: 'is required in production; without it mail would only reach the dev outbox. Set your Resend API key (re_…)',
    });
  }
  if (!config.usesDevOutbox && !input.RESEND_WEBHOOK_SECRET) {
    problems.push({
      variable: 'RESEND_WEBHOOK_SECRET',
      problem:
        'is required in production with Resend: without it bounces and complaints cannot be verified, so they would be refused. Copy the webhook signing secret (whsec_…) from Resend',
    });
  }
  if (!input.MAIL_FROM || input.MAIL_FROM === devDefaults.MAIL_FROM) {
    problems.push({
      variable: 'MAIL_FROM',
      problem: 'is required in production: a sender on your verified domain, e.g. "Tidings <briefing@example.com>"',
    });
  }
  return problems;
}

function secretProblems(variable: string, value: string | undefined): ConfigProblem[] {
  const hint = `use at least ${MIN_SECRET_LENGTH} random characters (openssl rand -base64 48)`;
  if (!value) return [{ variable, problem: `is required in production; ${hint}` }];
  if (isPlaceholder(value)) return [{ variable, problem: `is a development or example value; ${hint}` }];
  if (value.length < MIN_SECRET_LENGTH) return [{ variable, problem: `is too short (${value.length} characters); ${hint}` }];
  return [];
}

function isPlaceholder(value: string): boolean {
  return /dev-only|change-?me|replace-?me|example|secret-here/i.test(value);
}

/** True for names and addresses that only reach the machine itself. */
export function isLocalHostname(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '::' || host === '0.0.0.0') return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  if (/^::ffff:(127\.|0\.0\.0\.0)/.test(host) || /^::ffff:7f/.test(host)) return true;
  return false;
}
