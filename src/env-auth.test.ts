import { describe, expect, it } from 'vitest';
import { productionEnv as production } from '../test/production-env';
import { ConfigError, loadConfig, type EnvSource } from './env';

function problemsOf(env: EnvSource): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.variable}: ${p.problem}`);
  }
}

describe('sign-in configuration', () => {
  it("has the issue's defaults: 15-minute links, 5-minute PKCE codes, the built-in provider", () => {
    const config = loadConfig({});
    expect(config.AUTH_LINK_TTL_SECONDS).toBe(900);
    expect(config.AUTH_CODE_TTL_SECONDS).toBe(300);
    expect(config.AUTH_PROVIDER).toBe('builtin');
    expect(config.AUTH_LINK_STYLE).toBe('verify');
    expect(config.AUTH_REDIRECT_ALLOW_LIST).toEqual([]);
    expect(config.authJwtSecret).not.toBe(config.SESSION_SECRET);
  });

  it('reads the allow-list as comma-separated globs and refuses a pattern without scheme and host', () => {
    expect(loadConfig({ AUTH_REDIRECT_ALLOW_LIST: 'https://*.example.org/**, http://localhost:3000/cb' }).AUTH_REDIRECT_ALLOW_LIST).toEqual(
      ['https://*.example.org/**', 'http://localhost:3000/cb'],
    );
    expect(problemsOf({ AUTH_REDIRECT_ALLOW_LIST: '*.example.org' })).toEqual([
      expect.stringMatching(/^AUTH_REDIRECT_ALLOW_LIST: each pattern must start with http/),
    ]);
  });

  it('needs a URL and a key for the Supabase provider, https in production', () => {
    expect(problemsOf({ AUTH_PROVIDER: 'supabase' }).map((p) => p.split(':')[0])).toEqual(['SUPABASE_URL', 'SUPABASE_ANON_KEY']);
    expect(
      problemsOf({ ...production, AUTH_PROVIDER: 'supabase', SUPABASE_URL: 'http://abcd.supabase.co', SUPABASE_ANON_KEY: 'k' }),
    ).toEqual([expect.stringMatching(/^SUPABASE_URL: must use https in production/)]);
    expect(
      problemsOf({ ...production, AUTH_PROVIDER: 'supabase', SUPABASE_URL: 'https://abcd.supabase.co', SUPABASE_ANON_KEY: 'k' }),
    ).toEqual([]);
  });

  it('holds AUTH_JWT_SECRET to the production rules of every secret', () => {
    expect(problemsOf({ ...production, AUTH_JWT_SECRET: 'short' })).toEqual([expect.stringMatching(/^AUTH_JWT_SECRET: is too short/)]);
    expect(problemsOf({ ...production, AUTH_JWT_SECRET: 'dev-only-jwt-secret-0000000000000000000' })).toEqual([
      expect.stringMatching(/^AUTH_JWT_SECRET: is a development or example value/),
    ]);
    expect(loadConfig({ ...production, AUTH_JWT_SECRET: 'Jq8vT1mZ4rN7pL0wB5xC2hK9sD6gA3fY' }).authJwtSecret).toBe(
      'Jq8vT1mZ4rN7pL0wB5xC2hK9sD6gA3fY',
    );
  });

  it('refuses lifetimes outside their bounds, naming the variable', () => {
    expect(problemsOf({ AUTH_LINK_TTL_SECONDS: '5' })).toEqual([expect.stringMatching(/^AUTH_LINK_TTL_SECONDS: /)]);
    expect(problemsOf({ AUTH_LINK_STYLE: 'fancy' })).toEqual([expect.stringMatching(/^AUTH_LINK_STYLE: /)]);
  });
});
