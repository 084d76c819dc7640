// GET /healthz: is this instance up, and can it read and write Redis (every master of a cluster)? Strangers learn the status only; the operator, the detail.
import { Hono } from 'hono';
import type { AppDeps } from '../../deps';
import { isOperator } from '../ops/operator-session';
import { checkRedis } from '../../store/health';

const REDIS_CHECK_TIMEOUT_MS = 1000;

export function healthRoutes(deps: AppDeps) {
  return new Hono().get('/healthz', async (c) => {
    const redis = await checkRedis(deps.db, REDIS_CHECK_TIMEOUT_MS);
    const status = redis.up ? 'ok' : 'degraded';
    // 503 when Tidings cannot read and write Redis (on a cluster: on every master), so a load balancer or an
    // orchestrator notices; links still redirect meanwhile (their clicks wait in the recorder's buffer or spill).
    const code = redis.up ? 200 : 503;
    // The environment, mail mode and counters help an attacker more than a load balancer: operator only.
    if (!(await isOperator(c, deps.config))) return c.json({ status }, code);
    const failing = redis.nodes.filter((n) => !n.ok);
    return c.json(
      {
        status,
        redis: redis.up ? 'up' : 'down',
        redis_latency_ms: redis.latencyMs,
        redis_nodes: redis.nodes.length,
        ...(failing.length > 0 ? { redis_problems: failing.map((n) => `${n.node}: ${n.problem ?? 'failed'}`) } : {}),
        events: deps.recorder.stats(),
        clicks_over_budget: deps.clickBudget?.stats().over_budget ?? 0,
        mail: deps.config.usesDevOutbox ? 'dev-outbox' : 'resend',
        env: deps.config.NODE_ENV,
      },
      code,
    );
  });
}
