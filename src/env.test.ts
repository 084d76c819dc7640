import { describe, expect, it } from 'vitest';
import { ConfigError, devDefaults, isLocalHostname, loadConfig, type EnvSource } from './env';

const goodProduction: EnvSource = {
  NODE_ENV: 'production',
  PUBLIC_BASE_URL: 'https://tidings.example.com',
  LINK_SIGNING_KEYS: 'k2026:Q3v8yJmZ1rN4pL7wT0bX5cF2hK9sD6gA',
  SESSION_SECRET: 'mB7rT2wQ9zL4xN1vC8kP5jH3sF6dG0aY',
  OPERATOR_TOKEN: 'Z8yX7wV6uT5sR4qP3oN2mL1kJ0iH9gFe',
  RESEND_API_KEY: 're_live_abc123',
  RESEND_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  MAIL_FROM: 'Tidings <briefing@example.com>',
};

function problemsOf(env: EnvSource): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.variable}: ${p.problem}`);
  }
  return [];
}

describe('configuration', () => {
  it('runs on embedded defaults in development', () => {
    const config = loadConfig({});
    expect(config.NODE_ENV).toBe('development');
    expect(config.PORT).toBe(8787);
    expect(config.PUBLIC_BASE_URL).toBe('http://localhost:8787');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.redisUrlIsDefault).toBe(true);
    expect(config.usesDevOutbox).toBe(true);
    expect(config.LINK_SIGNING_KEYS).toEqual([{ id: 'dev', secret: devDefaults.LINK_SIGNING_KEYS.slice(4) }]);
  });

  it('takes Redis Cluster seed nodes, and refuses a bad node list or a braced key prefix naming the variable', () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: 'redis://10.0.0.1:7000, rediss://u:p@10.0.0.2:7001' });
    expect(config.redisClusterNodes).toEqual(['redis://10.0.0.1:7000', 'rediss://u:p@10.0.0.2:7001']);
    expect(config.redisUrlIsDefault).toBe(false);
    expect(loadConfig({}).redisClusterNodes).toEqual([]);
    expect(problemsOf({ REDIS_CLUSTER_NODES: '10.0.0.1:7000' })).toEqual([
      expect.stringMatching(/^REDIS_CLUSTER_NODES: must be comma-separated redis:\/\//),
    ]);
    expect(problemsOf({ REDIS_PREFIX: '{tidings}:' })).toEqual([expect.stringMatching(/^REDIS_PREFIX: must not contain \{ or \}/)]);
  });

  it('derives the dev public URL from PORT at run time', () => {
    expect(loadConfig({ PORT: '9001' }).PUBLIC_BASE_URL).toBe('http://localhost:9001');
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig(goodProduction);
    expect(config.PUBLIC_BASE_URL).toBe('https://tidings.example.com');
    expect(config.usesDevOutbox).toBe(false);
  });

  it.each([
    ['http://tidings.example.com', 'https'],
    ['https://localhost:8787', 'this machine'],
    ['https://app.localhost', 'this machine'],
    ['https://127.0.0.1', 'this machine'],
    ['https://127.8.9.10:443', 'this machine'],
    ['https://[::1]:8787', 'this machine'],
    ['https://0.0.0.0', 'this machine'],
    ['http://localhost:8787', 'https'],
  ])('refuses PUBLIC_BASE_URL=%s in production', (url, why) => {
    const problems = problemsOf({ ...goodProduction, PUBLIC_BASE_URL: url });
    expect(problems.some((p) => p.startsWith('PUBLIC_BASE_URL') && p.includes(why))).toBe(true);
  });

  it('refuses a production start with no PUBLIC_BASE_URL', () => {
    expect(problemsOf({ ...goodProduction, PUBLIC_BASE_URL: undefined })).toEqual([expect.stringMatching(/^PUBLIC_BASE_URL: is required/)]);
  });

  it.each(['SESSION_SECRET', 'OPERATOR_TOKEN'])('refuses a missing, short or dev-default %s in production', (name) => {
    expect(problemsOf({ ...goodProduction, [name]: undefined })).toEqual([expect.stringMatching(new RegExp(`^${name}: is required`))]);
    expect(problemsOf({ ...goodProduction, [name]: 'short-secret' })).toEqual([
      expect.stringMatching(new RegExp(`^${name}: is too short`)),
    ]);
    expect(problemsOf({ ...goodProduction, [name]: devDefaults[name as 'SESSION_SECRET'] })).toEqual([
      expect.stringMatching(new RegExp(`^${name}: is a development`)),
    ]);
  });

  it('refuses missing, short or dev-default link signing keys in production', () => {
    expect(problemsOf({ ...goodProduction, LINK_SIGNING_KEYS: undefined })).toEqual([
      expect.stringMatching(/^LINK_SIGNING_KEYS: is required/),
    ]);
    expect(problemsOf({ ...goodProduction, LINK_SIGNING_KEYS: 'a:short' })).toEqual([
      expect.stringMatching(/^LINK_SIGNING_KEYS \(key "a"\): is too short/),
    ]);
    expect(problemsOf({ ...goodProduction, LINK_SIGNING_KEYS: devDefaults.LINK_SIGNING_KEYS })).toEqual([
      expect.stringMatching(/^LINK_SIGNING_KEYS \(key "dev"\): is a development/),
    ]);
    // An old key being retired is checked as strictly as the signing one.
    expect(problemsOf({ ...goodProduction, LINK_SIGNING_KEYS: `${goodProduction.LINK_SIGNING_KEYS},old:tiny` })).toEqual([
      expect.stringMatching(/key "old"\): is too short/),
    ]);
  });

  it('refuses malformed link signing keys in any environment', () => {
    expect(problemsOf({ LINK_SIGNING_KEYS: 'no-colon-here' })[0]).toMatch(/^LINK_SIGNING_KEYS: each key is "id:secret"/);
    expect(problemsOf({ LINK_SIGNING_KEYS: 'a:x,a:y' })[0]).toMatch(/unique/);
  });

  it('refuses production with Resend but without a valid webhook signing secret', () => {
    expect(problemsOf({ ...goodProduction, RESEND_WEBHOOK_SECRET: undefined })).toEqual([
      expect.stringMatching(/^RESEND_WEBHOOK_SECRET: is required in production with Resend/),
    ]);
    expect(problemsOf({ ...goodProduction, RESEND_WEBHOOK_SECRET: 'not-a-secret' })).toEqual([
      expect.stringMatching(/^RESEND_WEBHOOK_SECRET: must be the signing secret/),
    ]);
  });

  it('refuses to send production mail to the dev outbox', () => {
    expect(problemsOf({ ...goodProduction, RESEND_API_KEY: undefined })).toEqual([
      expect.stringMatching(/^RESEND_API_KEY: is required in production; without it mail would only reach the dev outbox/),
    ]);
  });

  it('refuses the dev sender address in production', () => {
    expect(problemsOf({ ...goodProduction, MAIL_FROM: undefined })).toEqual([expect.stringMatching(/^MAIL_FROM: is required/)]);
  });

  it('names every bad variable at once, with what a good value looks like', () => {
    const problems = problemsOf({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'http://localhost:8787' });
    const names = problems.map((p) => p.split(':')[0]);
    expect(names).toEqual(
      expect.arrayContaining(['PUBLIC_BASE_URL', 'SESSION_SECRET', 'OPERATOR_TOKEN', 'LINK_SIGNING_KEYS', 'RESEND_API_KEY', 'MAIL_FROM']),
    );
    expect(problems.join('\n')).toMatch(/e\.g\. https:\/\/tidings\.example\.com/);
  });

  it('names the variable when a value has the wrong shape', () => {
    expect(problemsOf({ PORT: 'eighty' })[0]).toMatch(/^PORT: .*got "eighty"/);
    expect(problemsOf({ REDIS_URL: 'http://127.0.0.1:6379' })[0]).toMatch(/^REDIS_URL:/);
    expect(problemsOf({ NODE_ENV: 'prod' })[0]).toMatch(/^NODE_ENV:/);
  });

  it('knows which hostnames only reach this machine', () => {
    for (const host of ['localhost', 'LOCALHOST', 'a.localhost', '127.0.0.1', '127.1.2.3', '[::1]', '0.0.0.0', '::ffff:127.0.0.1']) {
      expect(isLocalHostname(host), host).toBe(true);
    }
    for (const host of ['tidings.example.com', '128.0.0.1', '10.0.0.1', 'localhost.example.com']) {
      expect(isLocalHostname(host), host).toBe(false);
    }
  });
});

describe('setup traps (issue 12, item 16)', () => {
  it('listens on loopback only in development, and says why when the public URL looks like a real deployment', () => {
    const config = loadConfig({ PUBLIC_BASE_URL: 'https://tidings.example.com' });
    expect(config.NODE_ENV).toBe('development');
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.notices.join('\n')).toMatch(/NODE_ENV=production/);
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
    expect(loadConfig(goodProduction).HOST).toBe('0.0.0.0');
  });

  it('refuses a development start on a network address unless told so explicitly', () => {
    expect(problemsOf({ HOST: '0.0.0.0' })).toEqual([
      expect.stringMatching(/^HOST: .*dev outbox.*(NODE_ENV=production|ALLOW_DEV_ON_NETWORK=true)/),
    ]);
    expect(problemsOf({ HOST: '192.0.2.10', PUBLIC_BASE_URL: 'https://tidings.example.com' })[0]).toMatch(/^HOST:/);
    expect(loadConfig({ HOST: '0.0.0.0', ALLOW_DEV_ON_NETWORK: 'true' }).HOST).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '127.0.0.1' }).HOST).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '::1' }).HOST).toBe('::1');
  });

  it('never prints a secret value, whatever is wrong with it', () => {
    const secret = 'Q3v8yJmZ1rN4pL7wT0bX5cF2hK9sD6gAsecretvalue';
    const cases: EnvSource[] = [
      { ...goodProduction, LINK_SIGNING_KEYS: secret },
      { ...goodProduction, LINK_SIGNING_KEYS: `k1:${goodProduction.LINK_SIGNING_KEYS!.split(':')[1]},${secret}` },
      { ...goodProduction, RESEND_WEBHOOK_SECRET: secret },
      { ...goodProduction, SESSION_SECRET: secret.slice(0, 10) },
      { ...goodProduction, AUTH_JWT_SECRET: secret.slice(0, 12) },
      { ...goodProduction, REDIS_URL: `http://user:${secret}@redis.example.com:6379` },
      { LINK_SIGNING_KEYS: secret },
    ];
    for (const env of cases) {
      const text = problemsOf(env).join('\n');
      expect(text.length, JSON.stringify(env)).toBeGreaterThan(0);
      for (const part of [secret, secret.slice(0, 10), secret.slice(0, 12), secret.slice(0, 20)])
        expect(text, JSON.stringify(env)).not.toContain(part);
    }
  });

  it('reports every problem in one round: shape errors and production rules together', () => {
    const problems = problemsOf({
      ...goodProduction,
      LINK_SIGNING_KEYS: 'no-id-secret-secret-secret-secret-secret',
      RESEND_WEBHOOK_SECRET: undefined,
      MAIL_FROM: undefined,
      PORT: 'eighty',
    });
    const names = problems.map((p) => p.split(':')[0]);
    expect(names).toEqual(expect.arrayContaining(['LINK_SIGNING_KEYS', 'RESEND_WEBHOOK_SECRET', 'MAIL_FROM', 'PORT']));
  });
});
