// `tidings doctor`: check configuration, Redis, the Resend key and sending domain, the domain's SPF/DKIM/DMARC
// records and that PUBLIC_BASE_URL answers; print exactly what to fix. Exits 1 when something must be fixed.
import { Resolver } from 'node:dns/promises';
import type { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../../src/env';
import { ensureRedis, RedisUnavailableError } from '../../node/private-redis';
import { describeBuild, runningBuild } from '../../node/build-kind';

type Level = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  level: Level;
  detail: string;
  fix?: string;
}

/** The domain of MAIL_FROM ("Tidings <briefing@example.com>" → example.com). */
export function mailFromDomain(mailFrom: string): string | null {
  return /@([A-Za-z0-9.-]+)>?\s*$/.exec(mailFrom.trim())?.[1]?.toLowerCase() ?? null;
}

async function txt(resolver: Resolver, name: string): Promise<{ records: string[] } | { error: string }> {
  try {
    return { records: (await resolver.resolveTxt(name)).map((parts) => parts.join('')) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    // No record is an answer; anything else means DNS could not be asked.
    if (code === 'ENOTFOUND' || code === 'ENODATA') return { records: [] };
    return { error: code };
  }
}

async function dnsChecks(domain: string): Promise<Check[]> {
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  const lookups = [
    {
      name: 'SPF',
      at: `send.${domain}`,
      match: /^v=spf1\b/i,
      fix: `add a TXT record at send.${domain}: "v=spf1 include:amazonses.com ~all" (Resend shows the exact value under Domains)`,
    },
    {
      name: 'DKIM',
      at: `resend._domainkey.${domain}`,
      match: /p=/i,
      fix: `add the TXT record Resend shows for resend._domainkey.${domain} (Domains → your domain → DNS records)`,
    },
    {
      name: 'DMARC',
      at: `_dmarc.${domain}`,
      match: /^v=DMARC1\b/i,
      fix: `add a TXT record at _dmarc.${domain}: "v=DMARC1; p=none; rua=mailto:dmarc@${domain}" (Gmail and Yahoo require DMARC of bulk senders)`,
    },
  ];
  const results = await Promise.all(lookups.map((l) => txt(resolver, l.at)));
  return lookups.map((l, i): Check => {
    const r = results[i]!;
    if ('error' in r)
      return {
        name: `${l.name} (${l.at})`,
        level: 'warn',
        detail: `could not look it up (${r.error}: DNS did not answer from here)`,
        fix: `check from a machine with DNS; if it is missing, ${l.fix}`,
      };
    const found = r.records.find((t) => l.match.test(t));
    return found
      ? { name: `${l.name} (${l.at})`, level: 'ok', detail: found.slice(0, 80) }
      : { name: `${l.name} (${l.at})`, level: 'fail', detail: 'no record', fix: l.fix };
  });
}

async function resendChecks(config: Config, domain: string | null): Promise<Check[]> {
  if (!config.RESEND_API_KEY) {
    return [
      {
        name: 'Resend',
        level: config.NODE_ENV === 'production' ? 'fail' : 'warn',
        detail: 'no RESEND_API_KEY: mail goes to the dev outbox (/dev/outbox), not to readers',
        fix: 'set RESEND_API_KEY=re_… (Resend → API Keys) in .env to send for real',
      },
    ];
  }
  // Loaded here, not at start-up: every other command starts faster without the SDK.
  const { Resend } = await import('resend');
  const resend = new Resend(config.RESEND_API_KEY, config.RESEND_BASE_URL ? { baseUrl: config.RESEND_BASE_URL } : undefined);
  const { data, error } = await resend.domains.list();
  if (error || !data) {
    return [
      {
        name: 'Resend API key',
        level: 'fail',
        detail: `Resend refused it: ${error?.message ?? 'no answer'}`,
        fix: 'create a key with full access (or sending access plus domains read) at Resend → API Keys and set RESEND_API_KEY',
      },
    ];
  }
  const checks: Check[] = [{ name: 'Resend API key', level: 'ok', detail: `accepted; ${data.data.length} domain(s) on the account` }];
  if (!domain)
    return [
      ...checks,
      {
        name: 'Sending domain',
        level: 'fail',
        detail: `MAIL_FROM has no address (got "${config.MAIL_FROM}")`,
        fix: 'set MAIL_FROM="Tidings <briefing@your-domain.com>"',
      },
    ];
  const found = data.data.find((d) => d.name === domain);
  if (!found) {
    checks.push({
      name: `Sending domain ${domain}`,
      level: 'fail',
      detail: `not on your Resend account (it has: ${data.data.map((d) => d.name).join(', ') || 'none'})`,
      fix: `add ${domain} at Resend → Domains, publish the DNS records it shows, then press Verify; or use a MAIL_FROM on a verified domain`,
    });
  } else if (found.status !== 'verified') {
    checks.push({
      name: `Sending domain ${domain}`,
      level: 'fail',
      detail: `Resend says "${found.status}"`,
      fix: `publish the DNS records Resend shows for ${domain} (Domains → ${domain}) and press Verify; mail from an unverified domain is refused`,
    });
  } else {
    checks.push({ name: `Sending domain ${domain}`, level: 'ok', detail: 'verified by Resend' });
  }
  return checks;
}

async function baseUrlCheck(config: Config): Promise<Check> {
  const url = `${config.PUBLIC_BASE_URL}/healthz`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000), redirect: 'manual' });
    if (response.status === 200) return { name: 'PUBLIC_BASE_URL', level: 'ok', detail: `${url} answers 200` };
    return {
      name: 'PUBLIC_BASE_URL',
      level: 'fail',
      detail: `${url} answers ${response.status}`,
      fix: 'PUBLIC_BASE_URL must reach this Tidings (its /healthz answers 200); check the proxy in front of it',
    };
  } catch (error) {
    const cause = ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name) || 'no answer';
    return {
      name: 'PUBLIC_BASE_URL',
      level: 'fail',
      detail: `${url} does not answer (${cause})`,
      fix: 'start Tidings (npm start), or set PUBLIC_BASE_URL to the address readers reach; every link in every email is built from it',
    };
  }
}

/** Which code runs: in production the source through tsx works, but holds more memory than the compiled build. */
function buildCheck(nodeEnv: string | undefined): Check {
  const check: Check = { name: 'Build', level: 'ok', detail: describeBuild() };
  if (runningBuild() === 'compiled' || nodeEnv !== 'production' || process.env.TIDINGS_FROM_SOURCE === '1') return check;
  return { ...check, level: 'warn', fix: 'run `npm run build` after every deploy or update: the compiled build needs less memory' };
}

/** Every check, in the order a person fixes them. */
export async function runDoctor(): Promise<Check[]> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return [
      buildCheck(process.env.NODE_ENV),
      ...error.problems.map((p) => ({
        name: `Configuration: ${p.variable}`,
        level: 'fail' as const,
        detail: p.problem,
        fix: 'set it in .env or the environment (see .env.example)',
      })),
    ];
  }
  const checks: Check[] = [buildCheck(config.NODE_ENV), { name: 'Configuration', level: 'ok', detail: `valid (${config.NODE_ENV})` }];
  try {
    const redis = await ensureRedis({
      url: config.REDIS_URL,
      isDefault: config.redisUrlIsDefault,
      clusterNodes: config.redisClusterNodes,
      mayStart: false,
      stateDir: config.STATE_DIR,
    });
    checks.push({ name: 'Redis', level: 'ok', detail: `answers at ${redis.url.replace(/\/\/([^@/]*)@/, '//***@')}` });
  } catch (error) {
    if (!(error instanceof RedisUnavailableError)) throw error;
    checks.push({ name: 'Redis', level: 'fail', detail: 'does not answer', fix: error.message });
  }
  const domain = mailFromDomain(config.MAIL_FROM);
  checks.push(...(await resendChecks(config, domain)));
  if (domain && !domain.endsWith('.localhost')) checks.push(...(await dnsChecks(domain)));
  checks.push(await baseUrlCheck(config));
  return checks;
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check configuration, Redis, the Resend key and sending domain, SPF/DKIM/DMARC and PUBLIC_BASE_URL, and say what to fix')
    .option('--json', 'print the checks as JSON lines')
    .action(async (options: { json?: boolean }) => {
      const checks = await runDoctor();
      for (const c of checks) {
        if (options.json) console.log(JSON.stringify(c));
        else
          console.log(
            `${c.level === 'ok' ? '✓' : c.level === 'warn' ? '!' : '✗'} ${c.name}: ${c.detail}${c.fix ? `\n    fix: ${c.fix}` : ''}`,
          );
      }
      const failed = checks.filter((c) => c.level === 'fail').length;
      if (!options.json) console.log(failed === 0 ? 'Nothing to fix.' : `${failed} thing(s) to fix, listed above.`);
      if (failed > 0) process.exitCode = 1;
    });
}
