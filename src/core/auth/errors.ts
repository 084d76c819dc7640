// Sign-in failures as values: Supabase Auth's HTTP status, error code and message for each, in one map.

export interface AuthFailure {
  status: 400 | 401 | 403 | 404 | 422 | 429;
  code: string;
  message: string;
  /** Seconds until the caller may try again (429 only). */
  retryAfter?: number;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: AuthFailure };

export const authFailures = {
  validation: (message: string): AuthFailure => ({ status: 400, code: 'validation_failed', message }),
  redirectRefused: (value: string, reason: string): AuthFailure => ({
    status: 400,
    code: 'validation_failed',
    message: `redirect_to ${JSON.stringify(value.slice(0, 200))} is refused: it ${reason}. Add the address to AUTH_REDIRECT_ALLOW_LIST if it is yours.`,
  }),
  emailRateLimit: (retryAfter: number): AuthFailure => ({
    status: 429,
    code: 'over_email_send_rate_limit',
    message: `For security purposes, you can only request this after ${retryAfter} seconds.`,
    retryAfter,
  }),
  requestRateLimit: (retryAfter: number): AuthFailure => ({
    status: 429,
    code: 'over_request_rate_limit',
    message: `Too many attempts. Try again in ${retryAfter} seconds.`,
    retryAfter,
  }),
  otpExpired: (): AuthFailure => ({ status: 403, code: 'otp_expired', message: 'Token has expired or is invalid' }),
  flowStateNotFound: (): AuthFailure => ({
    status: 404,
    code: 'flow_state_not_found',
    message: 'invalid flow state, no valid flow state found',
  }),
  flowStateExpired: (): AuthFailure => ({ status: 422, code: 'flow_state_expired', message: 'invalid flow state, flow state has expired' }),
  badCodeVerifier: (): AuthFailure => ({
    status: 400,
    code: 'bad_code_verifier',
    message: 'code challenge does not match previously saved code verifier',
  }),
  refreshNotFound: (): AuthFailure => ({
    status: 400,
    code: 'refresh_token_not_found',
    message: 'Invalid Refresh Token: Refresh Token Not Found',
  }),
  refreshReused: (): AuthFailure => ({ status: 400, code: 'refresh_token_already_used', message: 'Invalid Refresh Token: Already Used' }),
  noAuthorization: (): AuthFailure => ({ status: 401, code: 'no_authorization', message: 'This endpoint requires a valid Bearer token' }),
  badJwt: (why: string): AuthFailure => ({
    status: 403,
    code: 'bad_jwt',
    message: `invalid JWT: unable to parse or verify signature, ${why}`,
  }),
  sessionNotFound: (): AuthFailure => ({
    status: 403,
    code: 'session_not_found',
    message: 'Session from session_id claim in JWT does not exist',
  }),
  userNotFound: (): AuthFailure => ({ status: 403, code: 'user_not_found', message: 'User from sub claim in JWT does not exist' }),
  unsupportedGrant: (grant: string): AuthFailure => ({
    status: 400,
    code: 'validation_failed',
    message: `unsupported grant_type ${JSON.stringify(grant)}: use pkce or refresh_token`,
  }),
} as const;

export function fail<T>(error: AuthFailure): Outcome<T> {
  return { ok: false, error };
}

export function ok<T>(value: T): Outcome<T> {
  return { ok: true, value };
}
