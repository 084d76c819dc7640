// The sign-in settings of the environment schema (merged into env.ts), with their cross-field rules.
import { z } from 'zod';
import type { ConfigProblem } from './config-problem';

const seconds = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

export const authSchema = {
  AUTH_PROVIDER: z.enum(['builtin', 'supabase']).default('builtin').meta({
    description: "`builtin`: Tidings' own `/auth/v1`; `supabase`: a Supabase project (`SUPABASE_URL`, `SUPABASE_ANON_KEY`).",
  }),
  SUPABASE_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .meta({
      description: 'The Supabase project URL; required with `AUTH_PROVIDER=supabase`.',
      production: 'https',
    }),
  SUPABASE_ANON_KEY: z.string().min(1).optional().meta({
    description: "The project's anon (publishable) key; required with `AUTH_PROVIDER=supabase`.",
  }),
  AUTH_JWT_SECRET: z.string().min(1).optional().meta({
    description: 'Signs access tokens (HS256).',
    shown_default: 'derived from `SESSION_SECRET`',
    production: 'if set: ≥ 32 random characters, not a development value',
  }),
  AUTH_LINK_TTL_SECONDS: seconds(60, 86_400, 900).meta({ description: 'Lifetime of a magic link and its 6-digit code (15 minutes).' }),
  AUTH_CODE_TTL_SECONDS: seconds(30, 3_600, 300).meta({
    description: 'Lifetime of a PKCE auth code between the button press and the exchange (5 minutes).',
  }),
  AUTH_ACCESS_TOKEN_TTL_SECONDS: seconds(60, 86_400, 3_600).meta({ description: 'Lifetime of an access token (1 hour).' }),
  AUTH_SESSION_TTL_SECONDS: seconds(300, 31_536_000, 2_592_000).meta({
    description: 'How long a session and its chain of refresh tokens live without use (30 days).',
  }),
  AUTH_LINK_STYLE: z.enum(['verify', 'token_hash']).default('verify').meta({
    description:
      "`verify`: links go through `/auth/v1/verify` (Supabase's default); `token_hash`: straight to `/auth/confirm?token_hash=…&type=email`.",
  }),
  AUTH_REDIRECT_ALLOW_LIST: z
    .string()
    .default('')
    .transform((raw) =>
      raw
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .meta({
      description: 'Extra `redirect_to` patterns, comma-separated globs such as `https://*.example.com/**`; this site is always allowed.',
      shown_default: 'empty',
    }),
  AUTH_EMAIL_COOLDOWN_SECONDS: seconds(0, 3_600, 60).meta({ description: 'Per address: at most one link per this many seconds.' }),
  AUTH_EMAIL_HOURLY_LIMIT: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(5)
    .meta({ description: 'Per address: at most this many links per hour.' }),
  AUTH_IP_HOURLY_LIMIT: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(30)
    .meta({ description: 'Per visitor IP: at most this many links per hour.' }),
};

/** Rules that span variables: the Supabase provider needs its URL (https in production) and key; patterns need a scheme and host. */
export function authConfigProblems(config: {
  NODE_ENV: string;
  AUTH_PROVIDER: string;
  SUPABASE_URL?: string;
  SUPABASE_ANON_KEY?: string;
  AUTH_REDIRECT_ALLOW_LIST: string[];
}): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (config.AUTH_PROVIDER === 'supabase') {
    if (!config.SUPABASE_URL)
      problems.push({
        variable: 'SUPABASE_URL',
        problem: 'is required when AUTH_PROVIDER=supabase: your project URL, e.g. https://abcd.supabase.co',
      });
    if (config.SUPABASE_URL && config.NODE_ENV === 'production' && !config.SUPABASE_URL.startsWith('https://')) {
      problems.push({ variable: 'SUPABASE_URL', problem: `must use https in production (got ${config.SUPABASE_URL})` });
    }
    if (!config.SUPABASE_ANON_KEY)
      problems.push({
        variable: 'SUPABASE_ANON_KEY',
        problem: "is required when AUTH_PROVIDER=supabase: the project's anon (publishable) key",
      });
  }
  for (const pattern of config.AUTH_REDIRECT_ALLOW_LIST) {
    if (!/^https?:\/\/[^/]+/.test(pattern)) {
      problems.push({
        variable: 'AUTH_REDIRECT_ALLOW_LIST',
        problem: `each pattern must start with http:// or https:// and a host (got ${JSON.stringify(pattern)})`,
      });
    }
  }
  return problems;
}
