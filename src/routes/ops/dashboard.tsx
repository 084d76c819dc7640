// The operator dashboard at /ops: charts of sends and clicks over editions, editions with their rates, bounces
// and complaints by address, engagement by source and article, schedules with their next run. Reads Redis only.
import { listSuggestions } from '../../store/discovery';
import { SuggestionsSection } from './suggestions';
import { Hono } from 'hono';
import type { AppDeps } from '../../deps';
import type { EditionSummary, Schedule } from '../../contracts';
import { clickThrough, type EditionClicks } from '../../core/delivery/edition-stats';
import { nextRun } from '../../core/schedule/next-run';
import { getArticle } from '../../store/articles';
import { editionClicks } from '../../store/edition-clicks';
import { editionSummary, failedDeliveries, listEditions } from '../../store/deliveries';
import { providerIssues, type ProviderIssue } from '../../store/provider-events';
import { listSchedules } from '../../store/schedules';
import { MessagePage } from '../layout';
import { BarChart, LineChart } from './charts';
import { ArticleLink, OpsLayout, percent, Scroll, SourceLink } from './ops-layout';
import { operatorOnly } from './operator-session';

const none: EditionClicks = { clicks: 0, uniqueClickers: 0, automated: 0, topArticles: [] };

function state(e: EditionSummary): string {
  return !e.planning_done ? 'planning' : e.queued > 0 ? 'sending' : 'done';
}

const rate = (n: number, sent: number) => (sent > 0 ? n / sent : 0);

async function articlesById(deps: AppDeps, ids: string[]) {
  const out = new Map<string, { title: string; source: string | null }>();
  for (const id of new Set(ids)) {
    const a = await getArticle(deps.db, id);
    out.set(id, { title: a?.title ?? id, source: a?.source ?? null });
  }
  return out;
}

/** The next run written in the schedule's own zone (what the operator set the cron in). */
export function nextRunLocal(s: Schedule, now: Date): string {
  if (s.paused) return '—';
  if (s.tz === 'subscriber') return "each reader's local time";
  const next = nextRun(s, now);
  if (!next) return 'none within a year';
  const local = new Intl.DateTimeFormat('en-GB', {
    timeZone: s.tz,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(next);
  return `${local} (${s.tz})`;
}

export function IssueTable(props: { issues: ProviderIssue[] }) {
  if (props.issues.length === 0) return <p>None.</p>;
  return (
    <Scroll>
      <table>
        <thead>
          <tr>
            <th>address</th>
            <th>what</th>
            <th class="wrap">reason</th>
            <th>when</th>
            <th>edition</th>
          </tr>
        </thead>
        <tbody>
          {props.issues.map((i) => (
            <tr>
              <td>{i.subscriberId ? <a href={`/ops/subscribers/${encodeURIComponent(i.subscriberId)}`}>{i.address}</a> : i.address}</td>
              <td>{i.type === 'soft_bounced' ? 'soft bounce' : i.type === 'bounced' ? 'bounce' : 'complaint'}</td>
              <td class="wrap">{i.reason}</td>
              <td>{i.at.slice(0, 16).replace('T', ' ')}</td>
              <td>{i.editionId ? <a href={`/ops/editions/${encodeURIComponent(i.editionId)}`}>{i.editionId}</a> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}

export function dashboardRoutes(deps: AppDeps) {
  const app = new Hono();
  app.use('/ops', operatorOnly(deps.config, 'page'));
  app.use('/ops/editions/*', operatorOnly(deps.config, 'page'));

  app.get('/ops', async (c) => {
    const [editions, schedules, issues, suggestions] = await Promise.all([
      listEditions(deps.db, 20),
      listSchedules(deps.db),
      providerIssues(deps.db, { limit: 20 }),
      listSuggestions(deps.db, 'open'),
    ]);
    const clicks = await editionClicks(
      deps.db,
      editions.map((e) => e.id),
      undefined,
      50,
    );
    const articles = await articlesById(
      deps,
      [...clicks.values()].flatMap((k) => k.topArticles.map((a) => a.articleId)),
    );
    // Engagement by article and by source over the editions shown: human clicks only.
    const byArticle = new Map<string, number>();
    for (const k of clicks.values())
      for (const a of k.topArticles) byArticle.set(a.articleId, (byArticle.get(a.articleId) ?? 0) + a.clicks);
    const bySource = new Map<string, number>();
    for (const [id, n] of byArticle) {
      const source = articles.get(id)?.source;
      if (source) bySource.set(source, (bySource.get(source) ?? 0) + n);
    }
    const chronological = [...editions].reverse();
    const labels = chronological.map((e) => e.id);
    const paused = schedules.filter((s) => s.paused);
    return c.html(
      <OpsLayout title="Operator dashboard">
        <h1>Tidings operator dashboard</h1>
        {paused.length > 0 ? (
          <div class="alert" id="paused">
            {paused.map((s) => (
              <p>
                Schedule <strong>{s.name}</strong> is paused. {s.paused_reason ?? 'An operator paused it.'}
              </p>
            ))}
            <p>
              Resume with <code>npx tidings schedule resume NAME</code>.
            </p>
          </div>
        ) : null}
        {editions.length === 0 ? (
          <p>
            No editions yet. Send one with <code>npx tidings send-now --schedule NAME</code> or <code>--to you@example.com</code>.
          </p>
        ) : (
          <div class="charts">
            <BarChart
              title="Emails sent and clicks per edition"
              labels={labels}
              series={[
                { name: 'emails sent', values: chronological.map((e) => e.sent), color: '#9aa0a6' },
                { name: 'human clicks', values: chronological.map((e) => (clicks.get(e.id) ?? none).clicks), color: '#0b57d0' },
                { name: 'automated clicks', values: chronological.map((e) => (clicks.get(e.id) ?? none).automated), color: '#e37400' },
              ]}
            />
            <LineChart
              title="Click-through per edition"
              labels={labels}
              format={chartPercent}
              series={[
                {
                  name: 'unique human clickers ÷ emails sent',
                  values: chronological.map((e) => clickThrough((clicks.get(e.id) ?? none).uniqueClickers, e.sent)),
                  color: '#188038',
                },
              ]}
            />
          </div>
        )}
        <h2>Editions</h2>
        {editions.length === 0 ? null : (
          <Scroll>
            <table id="editions">
              <thead>
                <tr>
                  <th>edition</th>
                  <th>state</th>
                  <th>sent</th>
                  <th>failed</th>
                  <th>bounced</th>
                  <th>complained</th>
                  <th>bounce rate</th>
                  <th>complaint rate</th>
                  <th>clicks</th>
                  <th>unique clickers</th>
                  <th>click-through</th>
                  <th>automated</th>
                </tr>
              </thead>
              <tbody>
                {editions.map((e) => {
                  const k = clicks.get(e.id) ?? none;
                  return (
                    <tr>
                      <td>
                        <a href={`/ops/editions/${encodeURIComponent(e.id)}`}>{e.id}</a>
                      </td>
                      <td>{state(e)}</td>
                      <td>{e.sent}</td>
                      <td>{e.failed}</td>
                      <td>{e.bounced}</td>
                      <td>{e.complained}</td>
                      <td>{percent(rate(e.bounced, e.sent))}</td>
                      <td>{percent(rate(e.complained, e.sent))}</td>
                      <td>{k.clicks}</td>
                      <td>{k.uniqueClickers}</td>
                      <td>{percent(clickThrough(k.uniqueClickers, e.sent))}</td>
                      <td class="muted">{k.automated}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </Scroll>
        )}
        <p class="muted">
          Clicks count people; automated clicks (mail scanners, link prefetchers, the hidden honeypot link) are kept apart and never count
          towards click-through.
        </p>
        <div class="charts">
          <section>
            <h2>Articles people clicked</h2>
            {byArticle.size === 0 ? (
              <p>No clicks by people yet.</p>
            ) : (
              <Scroll>
                <table>
                  <thead>
                    <tr>
                      <th class="wrap">article</th>
                      <th>source</th>
                      <th>clicks</th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...byArticle]
                      .sort((a, b) => b[1] - a[1])
                      .slice(0, 10)
                      .map(([id, n]) => (
                        <tr>
                          <td class="wrap">
                            <ArticleLink id={id} title={articles.get(id)?.title} />
                          </td>
                          <td>
                            <SourceLink id={articles.get(id)?.source} />
                          </td>
                          <td>{n}</td>
                        </tr>
                      ))}
                  </tbody>
                </table>
              </Scroll>
            )}
          </section>
          <section>
            <h2>Sources people clicked</h2>
            {bySource.size === 0 ? (
              <p>No clicks by people yet.</p>
            ) : (
              <Scroll>
                <table>
                  <thead>
                    <tr>
                      <th>source</th>
                      <th>clicks</th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...bySource]
                      .sort((a, b) => b[1] - a[1])
                      .map(([id, n]) => (
                        <tr>
                          <td>
                            <SourceLink id={id} />
                          </td>
                          <td>{n}</td>
                        </tr>
                      ))}
                  </tbody>
                </table>
              </Scroll>
            )}
          </section>
        </div>
        <h2>Bounces and complaints</h2>
        <IssueTable issues={issues} />
        <SuggestionsSection suggestions={suggestions} />
        <h2>Schedules</h2>
        {schedules.length === 0 ? (
          <p>
            No schedules. Add one with <code>npx tidings schedule add --name morning --cron "0 7 * * 1-5" --tz Europe/Berlin</code>.
          </p>
        ) : (
          <Scroll>
            <table>
              <thead>
                <tr>
                  <th>name</th>
                  <th>cron</th>
                  <th>time zone</th>
                  <th>state</th>
                  <th>next run (in the schedule's zone)</th>
                </tr>
              </thead>
              <tbody>
                {schedules.map((s) => (
                  <tr>
                    <td>{s.name}</td>
                    <td>
                      <code>{s.cron}</code>
                    </td>
                    <td>{s.tz}</td>
                    <td>{s.paused ? 'paused' : 'active'}</td>
                    <td>{nextRunLocal(s, deps.now())}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        )}
      </OpsLayout>,
    );
  });

  app.get('/ops/editions/:id', async (c) => {
    const id = c.req.param('id');
    const summary = await editionSummary(deps.db, id);
    if (!summary)
      return c.html(
        <MessagePage title="No such edition" message={`There is no edition "${id}".`} next={<a href="/ops">Back to the dashboard</a>} />,
        404,
      );
    const k = (await editionClicks(deps.db, [id], undefined, 100)).get(id) ?? none;
    const articles = await articlesById(
      deps,
      k.topArticles.map((a) => a.articleId),
    );
    const [failures, issues] = await Promise.all([
      failedDeliveries(deps.db, id, 50),
      providerIssues(deps.db, { editionId: id, limit: 100 }),
    ]);
    return c.html(
      <OpsLayout title={`Edition ${id}`}>
        <h1>Edition {id}</h1>
        <Scroll>
          <table>
            <tbody>
              <tr>
                <th>state</th>
                <td>{state(summary)}</td>
              </tr>
              <tr>
                <th>planned</th>
                <td>{summary.planned}</td>
              </tr>
              <tr>
                <th>sent / failed / skipped / still queued</th>
                <td>
                  {summary.sent} / {summary.failed} / {summary.skipped} / {summary.queued}
                </td>
              </tr>
              <tr>
                <th>bounced / complained</th>
                <td>
                  {summary.bounced} ({percent(rate(summary.bounced, summary.sent))}) / {summary.complained} (
                  {percent(rate(summary.complained, summary.sent))})
                </td>
              </tr>
              <tr>
                <th>clicks / unique clickers / click-through</th>
                <td>
                  {k.clicks} / {k.uniqueClickers} / {percent(clickThrough(k.uniqueClickers, summary.sent))}
                </td>
              </tr>
              <tr>
                <th>automated clicks (not counted above)</th>
                <td>{k.automated}</td>
              </tr>
            </tbody>
          </table>
        </Scroll>
        <h2>Articles</h2>
        {k.topArticles.length === 0 ? (
          <p>No clicks by people yet.</p>
        ) : (
          <Scroll>
            <table id="articles">
              <thead>
                <tr>
                  <th class="wrap">article</th>
                  <th>source</th>
                  <th>clicks</th>
                  <th>readers who clicked</th>
                  <th>click-through</th>
                </tr>
              </thead>
              <tbody>
                {k.topArticles.map((a) => (
                  <tr>
                    <td class="wrap">
                      <ArticleLink id={a.articleId} title={articles.get(a.articleId)?.title} />
                    </td>
                    <td>
                      <SourceLink id={articles.get(a.articleId)?.source} />
                    </td>
                    <td>{a.clicks}</td>
                    <td>{a.readers}</td>
                    <td>{percent(clickThrough(a.readers, summary.sent))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        )}
        <h2>Bounces and complaints</h2>
        <IssueTable issues={issues} />
        <h2>Preview and test</h2>
        <form method="get" action="/ops/preview" class="search">
          <input type="hidden" name="edition" value={id} />
          <input name="reader" type="email" placeholder="reader@example.com" required aria-label="reader" />{' '}
          <button type="submit">Preview for this reader</button>
        </form>
        <form method="post" action="/ops/test-send" class="search" style="margin-top:1rem">
          <input type="hidden" name="edition" value={id} />
          <input name="reader" type="email" placeholder="reader@example.com" required aria-label="reader" />
          <input name="to" type="email" placeholder="send to you@example.com" required aria-label="send the test to" />{' '}
          <button type="submit">Send a test</button>
        </form>
        <p class="muted">
          Preview and test sends run on the Node server (they render with React Email); a test is marked [Test], is not counted in the
          edition and does not change what the reader gets.
        </p>
        <h2>Failures</h2>
        {failures.length === 0 ? (
          <p>None.</p>
        ) : (
          <Scroll>
            <table>
              <tbody>
                {failures.map((f) => (
                  <tr>
                    <td>
                      <a href={`/ops/subscribers/${encodeURIComponent(f.subscriberId)}`}>{f.subscriberId}</a>
                    </td>
                    <td class="wrap">{f.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        )}
      </OpsLayout>,
    );
  });
  return app;
}

/** A share as a percentage for charts: whole where it is whole (axis ticks: 35%), else to a tenth (66.7%). */
function chartPercent(share: number): string {
  const tenths = Math.round(share * 1000) / 10;
  return `${tenths}%`;
}
