// Sign-in contracts: the /auth/v1 request bodies (Supabase Auth's wire shapes), users, sessions, and the mail hand-off.
import { z } from 'zod';

const pkceChallenge = z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/, 'must be 43-128 characters of A-Z a-z 0-9 . _ ~ -');

export const otpRequestSchema = z
  .object({
    email: z.string().trim().toLowerCase().pipe(z.email('must be an email address')),
    create_user: z.boolean().default(true),
    data: z.record(z.string(), z.unknown()).nullish(),
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
    email: z.string().trim().toLowerCase().pipe(z.email('must be an email address')),
    token: z.string().trim().regex(/^\d{6}$/, 'must be the 6-digit code from the email'),
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
  /** subscribe: the link confirms a new subscription (and signs in); sign-in: it only signs in. */
  intent: z.enum(['sign-in', 'subscribe']).default('sign-in'),
});
export type MagicLinkMail = z.infer<typeof magicLinkMailSchema>;
