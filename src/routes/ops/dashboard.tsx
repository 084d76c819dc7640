// The operator dashboard at /ops: editions with sent, failed, bounced, clicks, unique clickers, click-through,
// top articles, and automated clicks shown apart; schedules with their next run. Reads Redis only.
import { Hono } from 'hono';
import type { AppDeps } from '../../deps';
import type { EditionSummary } from '../../contracts';
import { clickThrough, type EditionClicks } from '../../core/delivery/edition-stats';
import { nextRun } from '../../core/schedule/next-run';
import { getArticle } from '../../store/articles';
import { editionClicks } from '../../store/edition-clicks';
import { editionSummary, failedDeliveries, listEditions } from '../../store/deliveries';
import { listSchedules } from '../../store/schedules';
import { Layout, MessagePage } from '../layout';
import { operatorOnly } from './operator-session';

const none: EditionClicks = { clicks: 0, uniqueClickers: 0, automated: 0, topArticles: [] };
const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

function state(e: EditionSummary): string {
  return !e.planning_done ? 'planning' : e.queued > 0 ? 'sending' : 'done';
}

async function articleTitles(deps: AppDeps, ids: string[]): Promise<Map<string, string>> {
  const titles = new Map<string, string>();
  for (const id of new Set(ids)) titles.set(id, (await getArticle(deps.db, id))?.title ?? id);
  return titles;
}

export function dashboardRoutes(deps: AppDeps) {
  const app = new Hono();
  app.use('/ops', operatorOnly(deps.config, 'page'));
  app.use('/ops/editions/*', operatorOnly(deps.config, 'page'));

  app.get('/ops', async (c) => {
    const [editions, schedules] = await Promise.all([listEditions(deps.db, 20), listSchedules(deps.db)]);
    const clicks = await editionClicks(deps.db, editions.map((e) => e.id));
    const titles = await articleTitles(deps, [...clicks.values()].flatMap((k) => k.topArticles.slice(0, 3).map((a) => a.articleId)));
    return c.html(
      <Layout title="Operator dashboard">
        <h1>Tidings operator dashboard</h1>
        <p class="muted">
          Queues: <a href="/ops/queues">/ops/queues</a> · metrics: <a href="/metrics">/metrics</a> (both on the Node server) · API: /ops/api
        </p>
        <h2>Editions</h2>
        {editions.length === 0 ? (
          <p>No editions yet. Send one with <code>npx tidings send-now --schedule NAME</code>.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>edition</th><th>state</th><th>sent</th><th>failed</th><th>bounced</th><th>clicks</th><th>unique clickers</th><th>click-through</th><th>automated clicks</th><th>top articles</th>
              </tr>
            </thead>
            <tbody>
              {editions.map((e) => {
                const k = clicks.get(e.id) ?? none;
                return (
                  <tr>
                    <td><a href={`/ops/editions/${encodeURIComponent(e.id)}`}>{e.id}</a></td>
                    <td>{state(e)}</td>
                    <td>{e.sent}</td>
                    <td>{e.failed}</td>
                    <td>{e.bounced}</td>
                    <td>{k.clicks}</td>
                    <td>{k.uniqueClickers}</td>
                    <td>{percent(clickThrough(k.uniqueClickers, e.sent))}</td>
                    <td class="muted">{k.automated}</td>
                    <td>{k.topArticles.slice(0, 3).map((a) => `${titles.get(a.articleId)} (${a.clicks})`).join(' · ') || '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <p class="muted">Clicks count people; automated clicks (mail scanners, link prefetchers, the hidden honeypot link) are kept apart and never count towards click-through.</p>
        <h2>Schedules</h2>
        {schedules.length === 0 ? (
          <p>No schedules. Add one with <code>npx tidings schedule add --name morning --cron "0 7 * * 1-5" --tz Europe/Berlin</code>.</p>
        ) : (
          <table>
            <thead><tr><th>name</th><th>cron</th><th>time zone</th><th>state</th><th>next run (UTC)</th></tr></thead>
            <tbody>
              {schedules.map((s) => (
                <tr>
                  <td>{s.name}</td><td><code>{s.cron}</code></td><td>{s.tz}</td><td>{s.paused ? 'paused' : 'active'}</td>
                  <td>{s.paused ? '—' : s.tz === 'subscriber' ? "each reader's local time" : (nextRun(s, deps.now())?.toISOString() ?? '—')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Layout>,
    );
  });

  app.get('/ops/editions/:id', async (c) => {
    const id = c.req.param('id');
    const summary = await editionSummary(deps.db, id);
    if (!summary) return c.html(<MessagePage title="No such edition" message={`There is no edition "${id}".`} next={<a href="/ops">Back to the dashboard</a>} />, 404);
    const k = (await editionClicks(deps.db, [id])).get(id) ?? none;
    const titles = await articleTitles(deps, k.topArticles.map((a) => a.articleId));
    const failures = await failedDeliveries(deps.db, id, 50);
    return c.html(
      <Layout title={`Edition ${id}`}>
        <p><a href="/ops">← dashboard</a></p>
        <h1>Edition {id}</h1>
        <table>
          <tbody>
            <tr><th>state</th><td>{state(summary)}</td></tr>
            <tr><th>planned</th><td>{summary.planned}</td></tr>
            <tr><th>sent / failed / skipped / still queued</th><td>{summary.sent} / {summary.failed} / {summary.skipped} / {summary.queued}</td></tr>
            <tr><th>bounced / complained</th><td>{summary.bounced} / {summary.complained}</td></tr>
            <tr><th>clicks / unique clickers / click-through</th><td>{k.clicks} / {k.uniqueClickers} / {percent(clickThrough(k.uniqueClickers, summary.sent))}</td></tr>
            <tr><th>automated clicks (not counted above)</th><td>{k.automated}</td></tr>
          </tbody>
        </table>
        <h2>Top articles</h2>
        {k.topArticles.length === 0 ? <p>No clicks by people yet.</p> : <ol>{k.topArticles.map((a) => <li>{titles.get(a.articleId)} — {a.clicks}</li>)}</ol>}
        <h2>Preview and test</h2>
        <form method="get" action="/ops/preview">
          <input type="hidden" name="edition" value={id} />
          Preview this edition for reader <input name="reader" type="email" placeholder="reader@example.com" required /> <button type="submit">Preview</button>
        </form>
        <form method="post" action="/ops/test-send" style="margin-top:1rem">
          <input type="hidden" name="edition" value={id} />
          Send reader <input name="reader" type="email" placeholder="reader@example.com" required />'s briefing as a test to <input name="to" type="email" placeholder="you@example.com" required /> <button type="submit">Send a test to me</button>
        </form>
        <p class="muted">Preview and test sends run on the Node server (they render with React Email); a test is marked [Test], is not counted in the edition and does not change what the reader gets.</p>
        <h2>Failures</h2>
        {failures.length === 0 ? <p>None.</p> : <table><tbody>{failures.map((f) => <tr><td>{f.subscriberId}</td><td>{f.reason}</td></tr>)}</tbody></table>}
      </Layout>,
    );
  });
  return app;
}
