// A Supabase project (or anything speaking Supabase Auth's protocol) as this site's identity provider, over fetch.
import { authSessionSchema, authUserSchema, type AuthSession, type AuthUser } from '../contracts/auth';
import type { Db } from '../store/keys';
import type { Config } from '../env';
import type { AuthFailure, Outcome } from '../core/auth/errors';
import { fail, ok } from '../core/auth/errors';
import { takeSendLimit } from './send-limit';
import type { SignInProvider } from './provider';

/** Thrown when the provider answers with a 5xx or something that is not its protocol: exceptional, not a person's mistake. */
export class ProviderUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderUnavailableError';
  }
}

export function supabaseProvider(config: Config, db: Db, now: () => Date, fetcher: typeof fetch = fetch): SignInProvider {
  const base = `${config.SUPABASE_URL!.replace(/\/+$/, '')}/auth/v1`;
  const key = config.SUPABASE_ANON_KEY!;

  async function call(method: 'GET' | 'POST', path: string, body?: unknown, bearer?: string): Promise<Outcome<unknown>> {
    const response = await fetcher(`${base}${path}`, {
      method,
      headers: {
        apikey: key,
        Authorization: `Bearer ${bearer ?? key}`,
        'X-Supabase-Api-Version': '2024-01-01',
        'X-Client-Info': 'tidings',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 500) throw new ProviderUnavailableError(`${base}${path.split('?')[0]} answered ${response.status}`);
    if (response.status === 204) return ok(null);
    const text = await response.text();
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      throw new ProviderUnavailableError(`${base}${path.split('?')[0]} answered ${response.status} with a body that is not JSON`);
    }
    if (response.ok) return ok(data);
    return fail(toFailure(response, data));
  }

  const session = (result: Outcome<unknown>): Outcome<AuthSession> => {
    if (!result.ok) return result;
    const parsed = authSessionSchema.safeParse(result.value);
    if (!parsed.success)
      throw new ProviderUnavailableError(
        `the provider's session answer does not have Supabase's shape: ${parsed.error.issues[0]?.message}`,
      );
    return ok(parsed.data);
  };

  return {
    kind: 'supabase',
    async sendLink(input) {
      // Supabase limits per project; this site still limits per address and per visitor before asking.
      const wait = await takeSendLimit({ db, config, now }, input.email, input.ip);
      if (wait) return fail(wait);
      return call('POST', `/otp?redirect_to=${encodeURIComponent(input.redirectTo)}`, {
        email: input.email,
        create_user: true,
        data: {},
        code_challenge: input.codeChallenge,
        code_challenge_method: 's256',
      });
    },
    exchangeCode: async (code, verifier) =>
      session(await call('POST', '/token?grant_type=pkce', { auth_code: code, code_verifier: verifier })),
    verifyTokenHash: async (tokenHash, type) => session(await call('POST', '/verify', { type, token_hash: tokenHash })),
    verifyCode: async (email, code) => session(await call('POST', '/verify', { type: 'email', email, token: code })),
    async getUser(accessToken): Promise<Outcome<AuthUser>> {
      const result = await call('GET', '/user', undefined, accessToken);
      if (!result.ok) return result;
      const parsed = authUserSchema.safeParse(result.value);
      if (!parsed.success)
        throw new ProviderUnavailableError(`the provider's user answer does not have Supabase's shape: ${parsed.error.issues[0]?.message}`);
      return ok(parsed.data);
    },
    async logout(accessToken) {
      await call('POST', '/logout?scope=local', undefined, accessToken);
    },
    peekEmail: async () => null,
    hintEmail: async () => null,
  };
}

function toFailure(response: Response, data: unknown): AuthFailure {
  const body = (data ?? {}) as { code?: unknown; error_code?: unknown; message?: unknown; msg?: unknown };
  const code = typeof body.code === 'string' ? body.code : typeof body.error_code === 'string' ? body.error_code : 'unknown';
  const message = typeof body.message === 'string' ? body.message : typeof body.msg === 'string' ? body.msg : `HTTP ${response.status}`;
  const status = ([400, 401, 403, 404, 422, 429] as const).find((s) => s === response.status) ?? 400;
  const retry = Number(response.headers.get('retry-after'));
  return { status, code, message, ...(status === 429 ? { retryAfter: Number.isFinite(retry) && retry > 0 ? retry : 60 } : {}) };
}
