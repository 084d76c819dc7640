// Operator tools that need Node (BullMQ, React Email rendering), mounted by the Node entry next to the edge
// app: the BullMQ board at /ops/queues, Prometheus metrics at /metrics, "preview this edition for reader X"
// and "send a test to me". The edge app itself (createApp) never imports any of this, so it still runs on Workers.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { AppDeps } from '../src/deps';
import { emailAddress } from '../src/contracts';
import { randomId } from '../src/core/encoding';
import { editionSummary, getDelivery, listEditions } from '../src/store/deliveries';
import { findSubscriberByEmail } from '../src/store/subscribers';
import { Layout, MessagePage } from '../src/routes/layout';
import { operatorOnly } from '../src/routes/ops/operator-session';
import { readForm } from '../src/routes/form';
import { inertLinks, INERT_LINK_PATH } from './inert-links';
import { createMailTransport } from '../workers/mail/transport';
import { editionClicks } from '../src/store/edition-clicks';
import { redirectLatency } from './metrics';
import { composeBriefing } from '../workers/briefing/compose-briefing';
import { SENT_COPY_TTL_SECONDS, sentEmail } from '../workers/send-batch';
import type { Queues } from '../workers/queues';

const BOARD_PATH = '/ops/queues';

export function mountNodeOps(app: Hono, deps: AppDeps, queues: Queues): void {
  const all = queues.all;

  // The board serves its own scripts and styles; the app's CSP (default-src 'self') allows them.
  const board = new HonoAdapter(serveStatic).setBasePath(BOARD_PATH);
  createBullBoard({ queues: all.map((q) => new BullMQAdapter(q)), serverAdapter: board });
  app.use(`${BOARD_PATH}`, operatorOnly(deps.config, 'page'));
  app.use(`${BOARD_PATH}/*`, operatorOnly(deps.config, 'page'));
  app.route(BOARD_PATH, board.registerPlugin());

  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tidings_' });
  new Gauge({
    name: 'tidings_queue_jobs',
    help: 'BullMQ jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      for (const q of all) {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
        for (const [state, n] of Object.entries(counts)) this.set({ queue: q.name, state }, n);
      }
    },
  });
  new Gauge({
    name: 'tidings_edition_deliveries',
    help: 'Deliveries of the 10 newest editions by status (planned, queued, sent, failed, skipped, bounced, complained)',
    labelNames: ['edition', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const e of await listEditions(deps.db, 10)) {
        for (const status of ['planned', 'queued', 'sent', 'failed', 'skipped', 'bounced', 'complained'] as const)
          this.set({ edition: e.id, status }, e[status]);
      }
    },
  });
  registry.registerMetric(redirectLatency);
  new Gauge({
    name: 'tidings_queue_lag_seconds',
    help: 'Age of the oldest job waiting in each queue (0 when none waits)',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      for (const q of all) {
        const [oldest] = await q.getWaiting(0, 0);
        this.set({ queue: q.name }, oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0);
      }
    },
  });
  new Gauge({
    name: 'tidings_emails',
    help: 'Emails of the 20 newest editions by outcome (sent, failed, skipped, bounced, complained)',
    labelNames: ['outcome'],
    registers: [registry],
    async collect() {
      const editions = await listEditions(deps.db, 20);
      for (const outcome of ['sent', 'failed', 'skipped', 'bounced', 'complained'] as const)
        this.set(
          { outcome },
          editions.reduce((n, e) => n + e[outcome], 0),
        );
    },
  });
  new Gauge({
    name: 'tidings_clicks',
    help: 'Clicks on links of the 10 newest editions, by people and automated (scanners, prefetchers, honeypot), from the newest 20,000 events',
    labelNames: ['by'],
    registers: [registry],
    async collect() {
      const editions = await listEditions(deps.db, 10);
      const clicks = await editionClicks(
        deps.db,
        editions.map((e) => e.id),
        20_000,
      );
      let human = 0;
      let automated = 0;
      for (const k of clicks.values()) {
        human += k.clicks;
        automated += k.automated;
      }
      this.set({ by: 'person' }, human);
      this.set({ by: 'automated' }, automated);
    },
  });
  app.use('/metrics', operatorOnly(deps.config, 'api'));
  app.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'content-type': registry.contentType }));

  const transport = createMailTransport(deps.config, deps.db, deps.now);

  /**
   * What `reader` got in `edition`: for a sent delivery, the exact email that went to the provider (kept with
   * the batch); otherwise what they would get if it were composed now, and the note says which it is.
   */
  const composeFor = async (edition: string, readerText: string) => {
    const reader = emailAddress.safeParse(readerText);
    if (!reader.success)
      return { ok: false as const, status: 400 as const, message: `reader ${reader.error.issues[0]?.message} (got "${readerText}")` };
    const subscriber = await findSubscriberByEmail(deps.db, reader.data);
    if (!subscriber)
      return {
        ok: false as const,
        status: 404 as const,
        message: `There is no subscriber ${reader.data}. Add them first (npx tidings subscribers add ${reader.data}).`,
      };
    const delivery = await getDelivery(deps.db, edition, subscriber.id);
    if (delivery?.status === 'sent') {
      const email = await sentEmail(deps.db, delivery.batch, subscriber.id);
      if (email)
        return {
          ok: true as const,
          email,
          note: `Exactly what ${subscriber.email} received in edition ${edition} (sent ${delivery.at.slice(0, 16).replace('T', ' ')} UTC).`,
        };
    }
    const summary = await editionSummary(deps.db, edition);
    const sentAt = summary?.created_at ? new Date(summary.created_at) : deps.now();
    const briefing = await composeBriefing(deps, subscriber, edition, sentAt);
    const why =
      delivery?.status === 'sent'
        ? `${subscriber.email} was sent this edition, but the stored copy has expired (kept ${SENT_COPY_TTL_SECONDS / 86_400} days): this is composed from today's data and may differ from what they got.`
        : delivery
          ? `${subscriber.email} was not sent this edition (${delivery.status}${delivery.reason ? `: ${delivery.reason}` : ''}). This is what they would get if it were composed now.`
          : `Not sent to ${subscriber.email} yet. This is what they would get if it were composed now.`;
    if (!briefing)
      return {
        ok: false as const,
        status: 409 as const,
        message: `${why.replace(/ This is what.*$/, '')} Nothing new for ${subscriber.email} now: every ranked article was already sent to them.`,
      };
    return { ok: true as const, email: briefing.email, note: why };
  };

  /** The same, with links that act for nobody (node/inert-links.ts): an operator's clicks never count as the reader's. */
  const compose = async (edition: string, readerText: string) => {
    const result = await composeFor(edition, readerText);
    if (!result.ok) return result;
    return { ...result, email: await inertLinks(result.email, deps.signer, deps.config.PUBLIC_BASE_URL) };
  };

  app.use('/ops/preview', operatorOnly(deps.config, 'page'));
  app.use('/ops/preview/*', operatorOnly(deps.config, 'page'));
  app.use('/ops/test-send', operatorOnly(deps.config, 'page'));
  app.get('/ops/preview', async (c) => {
    const edition = c.req.query('edition') ?? 'preview';
    const result = await compose(edition, c.req.query('reader') ?? '');
    if (!result.ok)
      return c.html(
        <MessagePage title="Cannot preview" message={result.message} next={<a href="/ops">Back to the dashboard</a>} />,
        result.status,
      );
    const { email, note } = result;
    const raw = `/ops/preview/html?edition=${encodeURIComponent(edition)}&reader=${encodeURIComponent(email.to[0]!)}`;
    return c.html(
      <Layout title={`Preview for ${email.to[0]}`}>
        <p>
          <a href="/ops">← dashboard</a>
        </p>
        <h1>{email.subject}</h1>
        <p class="card">{note}</p>
        <p class="muted">
          Its links act for nobody here: the HTML part's article links open the article without counting a click; the others (the plain-text
          part's short links too) open a page that says so.
        </p>
        <p class="muted">
          To {email.to[0]} · from {email.from} · edition {edition}
        </p>
        <iframe src={raw} style="width:100%;height:70vh;border:1px solid #ddd;border-radius:8px;background:#fff" title="HTML part" />
        <h2>Plain-text part</h2>
        <pre>{email.text}</pre>
      </Layout>,
    );
  });
  app.get('/ops/preview/html', async (c) => {
    const result = await compose(c.req.query('edition') ?? 'preview', c.req.query('reader') ?? '');
    if (!result.ok) return c.html(<MessagePage title="Cannot preview" message={result.message} />, result.status);
    return c.html(result.email.html);
  });
  app.get(INERT_LINK_PATH, (c) =>
    c.html(
      <MessagePage
        title="This link does nothing here"
        message="This is a preview or a test of a reader's briefing. In the reader's own email, this link acts for them: a vote, a bookmark, their preferences, unsubscribing, or their copy on the web. Here it acts for nobody, so it changes nothing and counts nothing. In the HTML part, article links open the article directly."
        next={<a href="/ops">Back to the dashboard</a>}
      />,
    ),
  );
  app.post('/ops/test-send', async (c) => {
    const body = await readForm(c);
    const edition = typeof body.edition === 'string' && body.edition ? body.edition : 'test';
    const to = emailAddress.safeParse(body.to);
    if (!to.success)
      return c.html(
        <MessagePage
          title="Cannot send a test"
          message={`to ${to.error.issues[0]?.message} (got "${String(body.to ?? '')}")`}
          next={<a href="/ops">Back to the dashboard</a>}
        />,
        400,
      );
    const result = await compose(edition, typeof body.reader === 'string' ? body.reader : '');
    if (!result.ok)
      return c.html(
        <MessagePage title="Cannot send a test" message={result.message} next={<a href="/ops">Back to the dashboard</a>} />,
        result.status,
      );
    // The same email the preview shows (what the reader got, or would get now), addressed to the tester.
    // Without the reader's tags, so the provider's events about the test never count against the edition.
    const { tags: _tags, ...same } = result.email as typeof result.email & { tags?: unknown };
    const email = { ...same, to: [to.data], subject: `[Test] ${result.email.subject}` };
    // A fresh key: each test is its own send, never mistaken for the reader's real delivery.
    const answer = await transport.sendOne(email, `tidings-test/${randomId('t')}`);
    if (answer.kind !== 'accepted')
      return c.html(
        <MessagePage title="The test was not sent" message={answer.reason} next="Check the provider settings and try again." />,
        502,
      );
    return c.html(
      <MessagePage
        title="Test sent"
        message={`Sent ${result.email.to[0]}'s briefing of edition ${edition} to ${to.data} through ${transport.name} (id ${answer.id}).`}
        next={<a href="/ops">Back to the dashboard</a>}
      />,
    );
  });
}
