// GET /healthz: is this instance up, and can it reach Redis? Strangers learn the status only; the operator, the detail.
import { Hono } from 'hono';
import type { AppDeps } from '../../deps';
import { isOperator } from '../ops/operator-session';

const REDIS_PING_TIMEOUT_MS = 1000;

export function healthRoutes(deps: AppDeps) {
  return new Hono().get('/healthz', async (c) => {
    const redis = await pingRedis(deps);
    const status = redis.up ? 'ok' : 'degraded';
    // 200 either way: links keep redirecting without Redis, so the instance is still useful.
    // The environment, mail mode and counters help an attacker more than a load balancer: operator only.
    if (!(await isOperator(c, deps.config))) return c.json({ status });
    return c.json({
      status,
      redis: redis.up ? 'up' : 'down',
      redis_latency_ms: redis.latencyMs,
      events: deps.recorder.stats(),
      clicks_over_budget: deps.clickBudget?.stats().over_budget ?? 0,
      mail: deps.config.usesDevOutbox ? 'dev-outbox' : 'resend',
      env: deps.config.NODE_ENV,
    });
  });
}

async function pingRedis(deps: AppDeps): Promise<{ up: boolean; latencyMs: number | null }> {
  const started = performance.now();
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, REDIS_PING_TIMEOUT_MS, 'timeout'));
  try {
    const answer = await Promise.race([deps.db.redis.ping(), timeout]);
    if (answer !== 'PONG') return { up: false, latencyMs: null };
    return { up: true, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
  } catch {
    return { up: false, latencyMs: null };
  }
}
