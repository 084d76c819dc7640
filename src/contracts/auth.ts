// Sign-in contracts: the /auth/v1 request bodies (Supabase Auth's wire shapes), users, sessions, and the mail hand-off.
import { z } from 'zod';

/**
 * An address as sign-in takes it: trimmed, lower-case, and within RFC 5321's limits (64 characters before
 * the @, 254 in all), so a huge address is refused here rather than dropped later with a misleading log line.
 */
export const authEmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'must be at most 254 characters (RFC 5321), e.g. name@example.com')
  .refine((e) => e.indexOf('@') === -1 || e.indexOf('@') <= 64, 'the part before the @ must be at most 64 characters (RFC 5321)')
  .pipe(z.email('must be an email address'));

/** Limits of the `data` (user metadata) a link request may carry. */
export const USER_DATA_LIMITS = { maxBytes: 2048, maxKeys: 16 } as const;
// Claims a reader of user_metadata might mistake for privileges: never settable from a public request.
const RESERVED_DATA_KEYS = new Set([
  'role',
  'aud',
  'sub',
  'email',
  'phone',
  'is_admin',
  'admin',
  'is_super_admin',
  'app_metadata',
  'is_anonymous',
]);

/** User metadata from a public request: a small object of plainly named keys, nothing that looks like a privilege. */
export const userDataSchema = z.record(z.string(), z.unknown()).superRefine((data, ctx) => {
  const keys = Object.keys(data);
  if (keys.length > USER_DATA_LIMITS.maxKeys)
    ctx.addIssue({ code: 'custom', message: `may have at most ${USER_DATA_LIMITS.maxKeys} keys (got ${keys.length})` });
  const badName = keys.find((k) => !/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(k));
  if (badName !== undefined)
    ctx.addIssue({
      code: 'custom',
      message: `keys are 1-64 letters, digits, _ . or -, starting with a letter (got ${JSON.stringify(badName.slice(0, 40))})`,
    });
  const reserved = keys.find((k) => RESERVED_DATA_KEYS.has(k.toLowerCase()));
  if (reserved !== undefined)
    ctx.addIssue({ code: 'custom', message: `"${reserved}" cannot be set by a sign-in request (it would look like a privilege)` });
  const size = new TextEncoder().encode(JSON.stringify(data)).length;
  if (size > USER_DATA_LIMITS.maxBytes)
    ctx.addIssue({ code: 'custom', message: `must be at most ${USER_DATA_LIMITS.maxBytes} bytes as JSON (got ${size})` });
});

const pkceChallenge = z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/, 'must be 43-128 characters of A-Z a-z 0-9 . _ ~ -');

export const otpRequestSchema = z
  .object({
    email: authEmailSchema,
    create_user: z.boolean().default(true),
    data: userDataSchema.nullish(),
    code_challenge: pkceChallenge.nullish(),
    code_challenge_method: z
      .string()
      .transform((m) => m.toLowerCase())
      .pipe(z.enum(['s256', 'plain']))
      .nullish(),
  })
  .refine((b) => !!b.code_challenge === !!b.code_challenge_method, {
    message: 'code_challenge and code_challenge_method go together: send both for PKCE, or neither',
    path: ['code_challenge'],
  });
export type OtpRequest = z.infer<typeof otpRequestSchema>;

export const emailOtpTypes = ['magiclink', 'signup', 'email'] as const;
export type EmailOtpType = (typeof emailOtpTypes)[number];
export const emailOtpTypeSchema = z.enum(emailOtpTypes, { message: `must be one of ${emailOtpTypes.join(', ')}` });

export const verifyRequestSchema = z.union([
  z.object({ type: emailOtpTypeSchema, token_hash: z.string().min(1).max(256) }),
  z.object({
    type: emailOtpTypeSchema,
    email: authEmailSchema,
    token: z
      .string()
      .trim()
      .regex(/^\d{6}$/, 'must be the 6-digit code from the email'),
  }),
]);
export type VerifyRequest = z.infer<typeof verifyRequestSchema>;

export const pkceGrantSchema = z.object({
  auth_code: z.string().min(1, 'auth_code is required').max(256),
  code_verifier: z.string().min(1, 'code_verifier is required').max(256),
});

export const refreshGrantSchema = z.object({
  refresh_token: z.string().min(1, 'refresh_token is required').max(256),
});

export const authUserSchema = z.object({
  id: z.string(),
  aud: z.literal('authenticated'),
  role: z.literal('authenticated'),
  email: z.string(),
  email_confirmed_at: z.string().nullable(),
  confirmed_at: z.string().nullable().optional(),
  last_sign_in_at: z.string().nullable().optional(),
  app_metadata: z.object({ provider: z.string(), providers: z.array(z.string()) }).passthrough(),
  user_metadata: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  updated_at: z.string(),
});
export type AuthUser = z.infer<typeof authUserSchema>;

export const authSessionSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number(),
  expires_at: z.number(),
  refresh_token: z.string(),
  user: authUserSchema,
});
export type AuthSession = z.infer<typeof authSessionSchema>;

/**
 * The mail request the edge app appends to a Redis Stream for the workers. The token and code travel
 * sealed (AES-GCM) so Redis never holds them in the clear; the worker builds every URL from PUBLIC_BASE_URL.
 */
export const magicLinkMailSchema = z.object({
  email: z.email(),
  /** signup for a new or unconfirmed address, magiclink otherwise. */
  type: z.enum(['signup', 'magiclink']),
  token: z.string().min(20),
  code: z.string().regex(/^\d{6}$/),
  /** Where the link finally lands (already checked against the allow-list). */
  redirect_to: z.url(),
  pkce: z.boolean(),
  expires_at: z.number().int(),
  /** Set for a request made for an address without an account (create_user=false): same work, nothing sent. */
  no_account: z.literal(true).optional(),
  /** subscribe: the link confirms a new subscription (and signs in); sign-in: it only signs in. */
  intent: z.enum(['sign-in', 'subscribe']).default('sign-in'),
});
export type MagicLinkMail = z.infer<typeof magicLinkMailSchema>;
