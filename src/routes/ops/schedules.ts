// The operator API for schedules and editions under /ops/api. Definitions go to Redis only (the edge app never
// runs BullMQ); the workers' reconciler applies them to BullMQ job schedulers within seconds.
import { Hono } from 'hono';
import type { AppDeps } from '../../deps';
import { scheduleInputSchema } from '../../contracts';
import { nextRun } from '../../core/schedule/next-run';
import { editionSummary, failedDeliveries, listEditions } from '../../store/deliveries';
import { getSchedule, listSchedules, putSchedule, removeSchedule, setSchedulePaused } from '../../store/schedules';

const notFound = (name: string) => ({
  error: 'not_found',
  message: `There is no schedule named "${name}". GET /ops/api/schedules lists them.`,
});

export function scheduleApiRoutes(deps: AppDeps) {
  const app = new Hono();
  const withNext = <T extends { cron: string; tz: string; paused: boolean }>(s: T) => ({
    ...s,
    next_run: s.paused ? null : (nextRun(s, deps.now())?.toISOString() ?? null),
  });

  app.get('/ops/api/schedules', async (c) => c.json({ schedules: (await listSchedules(deps.db)).map(withNext) }));

  app.get('/ops/api/schedules/:name', async (c) => {
    const schedule = await getSchedule(deps.db, c.req.param('name'));
    return schedule ? c.json(withNext(schedule)) : c.json(notFound(c.req.param('name')), 404);
  });

  // PUT /ops/api/schedules/:name creates or replaces; POST /ops/api/schedules takes the name in the body.
  const upsert = async (input: unknown) => {
    const parsed = scheduleInputSchema.safeParse(input);
    if (!parsed.success)
      return {
        status: 400 as const,
        body: {
          error: 'invalid_schedule',
          problems: parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', problem: i.message })),
        },
      };
    const { schedule, created } = await putSchedule(deps.db, parsed.data, deps.now());
    return { status: created ? (201 as const) : (200 as const), body: { ...withNext(schedule), created } };
  };
  app.post('/ops/api/schedules', async (c) => {
    const result = await upsert(await c.req.json().catch(() => null));
    return c.json(result.body, result.status);
  });
  app.put('/ops/api/schedules/:name', async (c) => {
    const body = (await c.req.json().catch(() => null)) as Record<string, unknown> | null;
    const result = await upsert(body && typeof body === 'object' ? { ...body, name: c.req.param('name') } : null);
    return c.json(result.body, result.status);
  });

  app.delete('/ops/api/schedules/:name', async (c) =>
    (await removeSchedule(deps.db, c.req.param('name'))) ? c.body(null, 204) : c.json(notFound(c.req.param('name')), 404),
  );

  for (const [verb, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    app.post(`/ops/api/schedules/:name/${verb}`, async (c) => {
      const schedule = await setSchedulePaused(deps.db, c.req.param('name'), paused, deps.now());
      return schedule ? c.json(withNext(schedule)) : c.json(notFound(c.req.param('name')), 404);
    });
  }

  app.get('/ops/api/editions', async (c) =>
    c.json({ editions: await listEditions(deps.db, Math.min(Number(c.req.query('limit') ?? 20) || 20, 200)) }),
  );

  app.get('/ops/api/editions/:id', async (c) => {
    const summary = await editionSummary(deps.db, c.req.param('id'));
    if (!summary)
      return c.json(
        { error: 'not_found', message: `There is no edition "${c.req.param('id')}". GET /ops/api/editions lists the recent ones.` },
        404,
      );
    return c.json({ ...summary, failures: await failedDeliveries(deps.db, summary.id, 50) });
  });

  return app;
}
