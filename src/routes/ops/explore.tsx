// The operator's linked views: an article (with its clicks per edition) → its source (with its health);
// subscribers (search by address; one reader's deliveries, clicks, bounces and profile); the quarantine.
import { Hono } from 'hono';
import type { AppDeps } from '../../deps';
import type { Subscriber } from '../../contracts';
import { getArticle, getArticlesByIds, listQuarantine, recentArticles } from '../../store/articles';
import { editionClicks } from '../../store/edition-clicks';
import { clickThrough } from '../../core/delivery/edition-stats';
import { getDeliveries, listEditions } from '../../store/deliveries';
import { summariseProfile } from '../../core/interest/profile-summary';
import { getProfile } from '../../store/interest';
import { providerIssues } from '../../store/provider-events';
import { readerClicks } from '../../store/reader-clicks';
import { getSource, getSourceState, listSources, loadSourceTitles, type SourceState } from '../../store/sources';
import { countSubscribers, findSubscriberByEmail, getSubscriber, getSubscribers, subscribersPage } from '../../store/subscribers';
import { MessagePage } from '../layout';
import { IssueTable } from './dashboard';
import { LearnedProfile } from './learned-profile';
import { OpsLayout, percent, Scroll } from './ops-layout';
import { operatorOnly } from './operator-session';

function health(s: SourceState): string {
  if (s.last_error) return `failing (${s.failures}×, next try ${s.next_attempt_at ?? 'soon'}): ${s.last_error}`;
  return s.last_success_at ? `ok, last fetched ${s.last_success_at.slice(0, 16).replace('T', ' ')}` : 'not fetched yet';
}

const back = () => <a href="/ops">Back to the dashboard</a>;

/** Subscribers shown per page, and search matches at most. */
const PAGE = 50;

/** Subscribers whose address contains the text (HSCAN over the address index, bounded). */
async function searchSubscribers(deps: AppDeps, q: string, limit = 50): Promise<Subscriber[]> {
  const exact = await findSubscriberByEmail(deps.db, q);
  if (exact) return [exact];
  const ids: string[] = [];
  let cursor = '0';
  let rounds = 0;
  const pattern = `*${q.toLowerCase().replace(/[*?[\]\\]/g, '\\$&')}*`;
  do {
    const [next, flat] = await deps.db.redis.hscan(deps.db.keys.subscribersByEmail, cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (let i = 1; i < flat.length && ids.length < limit; i += 2) ids.push(flat[i]!);
  } while (cursor !== '0' && ids.length < limit && ++rounds < 200);
  return (await getSubscribers(deps.db, ids)).filter((s): s is Subscriber => s !== null);
}

export function exploreRoutes(deps: AppDeps) {
  const app = new Hono();
  for (const path of ['/ops/articles/*', '/ops/sources', '/ops/sources/*', '/ops/subscribers', '/ops/subscribers/*', '/ops/quarantine'])
    app.use(path, operatorOnly(deps.config, 'page'));

  app.get('/ops/articles/:id', async (c) => {
    const id = c.req.param('id');
    const article = await getArticle(deps.db, id);
    if (!article) return c.html(<MessagePage title="No such article" message={`There is no article "${id}".`} next={back()} />, 404);
    const editions = await listEditions(deps.db, 20);
    const clicks = await editionClicks(
      deps.db,
      editions.map((e) => e.id),
      undefined,
      1000,
    );
    const rows = editions
      .map((e) => ({ e, found: clicks.get(e.id)?.topArticles.find((a) => a.articleId === id) }))
      .filter((r) => r.found !== undefined);
    return c.html(
      <OpsLayout title={article.title}>
        <h1>{article.title}</h1>
        <p>
          From <a href={`/ops/sources/${encodeURIComponent(article.source)}`}>{article.source}</a> · {article.content_type} · published{' '}
          {article.published_at.slice(0, 10)}
          {article.topics.length ? ` · ${article.topics.join(', ')}` : ''}
        </p>
        <p>
          <a href={article.url} rel="noreferrer">
            Open the article ↗
          </a>
        </p>
        <h2>Clicks by people, per edition</h2>
        {rows.length === 0 ? (
          <p>No clicks by people in the recent editions.</p>
        ) : (
          <Scroll>
            <table>
              <thead>
                <tr>
                  <th>edition</th>
                  <th>clicks</th>
                  <th>readers who clicked</th>
                  <th>click-through</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ e, found }) => (
                  <tr>
                    <td>
                      <a href={`/ops/editions/${encodeURIComponent(e.id)}`}>{e.id}</a>
                    </td>
                    <td>{found!.clicks}</td>
                    <td>{found!.readers}</td>
                    <td>{percent(clickThrough(found!.readers, e.sent))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        )}
      </OpsLayout>,
    );
  });

  app.get('/ops/sources', async (c) => {
    const sources = await listSources(deps.db);
    const states = await Promise.all(sources.map((s) => getSourceState(deps.db, s.id)));
    return c.html(
      <OpsLayout title="Sources">
        <h1>Sources</h1>
        {sources.length === 0 ? (
          <p>
            No sources. Add one with <code>npx tidings sources add https://example.com/feed.xml</code>.
          </p>
        ) : (
          <Scroll>
            <table>
              <thead>
                <tr>
                  <th>source</th>
                  <th class="wrap">health</th>
                  <th>default type</th>
                </tr>
              </thead>
              <tbody>
                {sources.map((s, i) => (
                  <tr>
                    <td>
                      <a href={`/ops/sources/${encodeURIComponent(s.id)}`}>{s.id}</a>
                    </td>
                    <td class="wrap">{health(states[i]!)}</td>
                    <td>{s.default_content_type ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        )}
      </OpsLayout>,
    );
  });

  app.get('/ops/sources/:id', async (c) => {
    const id = c.req.param('id');
    const source = await getSource(deps.db, id);
    if (!source)
      return c.html(
        <MessagePage
          title="No such source"
          message={`There is no source "${id}". It may have been removed; its articles stay.`}
          next={<a href="/ops/sources">All sources</a>}
        />,
        404,
      );
    const state = await getSourceState(deps.db, id);
    const articles = (await recentArticles(deps.db, 500)).filter((a) => a.source === id).slice(0, 20);
    const quarantined = (await listQuarantine(deps.db, 200)).filter((q) => q.source === id).slice(0, 10);
    return c.html(
      <OpsLayout title={`Source ${id}`}>
        <h1>Source {source.title || id}</h1>
        <p>
          <code>{source.url}</code>
        </p>
        <p class={state.last_error ? 'alert' : ''}>Health: {health(state)}</p>
        <h2>Recent articles</h2>
        {articles.length === 0 ? (
          <p>None stored yet.</p>
        ) : (
          <ul>
            {articles.map((a) => (
              <li>
                <a href={`/ops/articles/${encodeURIComponent(a.id)}`}>{a.title}</a> <span class="muted">{a.published_at.slice(0, 10)}</span>
              </li>
            ))}
          </ul>
        )}
        <h2>Quarantined items</h2>
        {quarantined.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul>
            {quarantined.map((q) => (
              <li>
                {q.at.slice(0, 16).replace('T', ' ')}: {q.reasons.join('; ')}
              </li>
            ))}
          </ul>
        )}
      </OpsLayout>,
    );
  });

  app.get('/ops/subscribers', async (c) => {
    const q = (c.req.query('q') ?? '').trim();
    const startText = c.req.query('start') ?? '0';
    const start = /^\d{1,9}$/.test(startText) ? Number(startText) : 0;
    const [rows, total] = q
      ? [await searchSubscribers(deps, q, PAGE), null]
      : await Promise.all([
          subscribersPage(deps.db, start, PAGE).then((page) => page.subscribers.filter((s): s is Subscriber => s !== null)),
          countSubscribers(deps.db),
        ]);
    const pageLink = (from: number, label: string) => <a href={`/ops/subscribers?start=${from}`}>{label}</a>;
    return c.html(
      <OpsLayout title="Subscribers">
        <h1>Subscribers</h1>
        <form method="get" action="/ops/subscribers" class="search" role="search">
          <input name="q" type="search" value={q} placeholder="search by address, e.g. reader3@" aria-label="address" />
          <button type="submit">Search</button>
        </form>
        {total !== null && rows.length > 0 ? (
          <p class="muted">
            {start + 1}–{start + rows.length} of {total.toLocaleString('en')}, in the order they joined.
          </p>
        ) : null}
        {q && rows.length === PAGE ? (
          <p class="muted">
            The first {PAGE} addresses that contain "{q}"; type more of the address to narrow it.
          </p>
        ) : null}
        {rows.length === 0 ? (
          <p>{q ? `No subscriber's address contains "${q}".` : 'No subscribers yet. Add one with npx tidings subscribers add EMAIL.'}</p>
        ) : (
          <Scroll>
            <table id="subscribers">
              <thead>
                <tr>
                  <th>address</th>
                  <th>status</th>
                  <th>time zone</th>
                  <th>id</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((s) => (
                  <tr>
                    <td>
                      <a href={`/ops/subscribers/${encodeURIComponent(s.id)}`}>{s.email}</a>
                    </td>
                    <td>{s.status}</td>
                    <td>{s.timezone}</td>
                    <td class="muted">{s.id}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        )}
        {total !== null && (start > 0 || start + rows.length < total) ? (
          <p class="actions">
            {start > 0 ? pageLink(Math.max(0, start - PAGE), `Previous ${PAGE}`) : null}{' '}
            {start + rows.length < total ? pageLink(start + PAGE, `Next ${PAGE}`) : null}
          </p>
        ) : null}
      </OpsLayout>,
    );
  });

  app.get('/ops/subscribers/:id', async (c) => {
    const id = c.req.param('id');
    const subscriber = await getSubscriber(deps.db, id);
    if (!subscriber)
      return c.html(
        <MessagePage
          title="No such subscriber"
          message={`There is no subscriber "${id}".`}
          next={<a href="/ops/subscribers">Search subscribers</a>}
        />,
        404,
      );
    const editions = await listEditions(deps.db, 20);
    const deliveries = await Promise.all(editions.map(async (e) => ({ e, d: (await getDeliveries(deps.db, e.id, [id]))[0] ?? null })));
    const received = deliveries.filter((r) => r.d !== null);
    // This reader's clicks, judged as the learner judges them, with the titles of what they opened.
    const [profile, issues, sourceTitles, clicks] = await Promise.all([
      getProfile(deps.db, id),
      providerIssues(deps.db, { subscriberId: id, limit: 20 }),
      loadSourceTitles(deps.db),
      readerClicks(deps.db, id),
    ]);
    const halfLifeDays = deps.config.INTEREST_HALF_LIFE_DAYS;
    const learned = profile ? summariseProfile(profile, deps.now().getTime(), halfLifeDays, sourceTitles) : null;
    const clickedIds = [...new Set(clicks.flatMap((k) => (k.article_id ? [k.article_id] : [])))];
    const titles = new Map((await getArticlesByIds(deps.db, clickedIds)).flatMap((a) => (a ? [[a.id, a.title] as const] : [])));
    return c.html(
      <OpsLayout title={subscriber.email}>
        <h1>{subscriber.email}</h1>
        <p>
          {subscriber.status} · {subscriber.timezone} · joined {subscriber.created_at.slice(0, 10)} · id <code>{subscriber.id}</code>
          {subscriber.topics.length ? ` · topics: ${subscriber.topics.join(', ')}` : ''}
        </p>
        {subscriber.status === 'suppressed' ? (
          <p class="alert">Suppressed: an address that bounced hard or complained is never mailed again.</p>
        ) : null}
        <h2>Deliveries</h2>
        {received.length === 0 ? (
          <p>No delivery in the recent editions.</p>
        ) : (
          <Scroll>
            <table id="deliveries">
              <thead>
                <tr>
                  <th>edition</th>
                  <th>status</th>
                  <th>when</th>
                  <th class="wrap">reason</th>
                  <th>preview</th>
                </tr>
              </thead>
              <tbody>
                {received.map(({ e, d }) => (
                  <tr>
                    <td>
                      <a href={`/ops/editions/${encodeURIComponent(e.id)}`}>{e.id}</a>
                    </td>
                    <td>{d!.status}</td>
                    <td>{d!.at.slice(0, 16).replace('T', ' ')}</td>
                    <td class="wrap">{d!.reason ?? ''}</td>
                    <td>
                      <a href={`/ops/preview?edition=${encodeURIComponent(e.id)}&reader=${encodeURIComponent(subscriber.email)}`}>
                        what they got
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        )}
        <h2>Clicks</h2>
        {clicks.length === 0 ? (
          <p>No clicks in the recent events.</p>
        ) : (
          <Scroll>
            <table>
              <thead>
                <tr>
                  <th>when</th>
                  <th class="wrap">article</th>
                  <th>edition</th>
                  <th class="wrap">by</th>
                </tr>
              </thead>
              <tbody>
                {clicks.map((k) => (
                  <tr>
                    <td>{k.at.slice(0, 16).replace('T', ' ')}</td>
                    <td class="wrap">
                      {k.article_id ? (
                        <a href={`/ops/articles/${encodeURIComponent(k.article_id)}`}>{titles.get(k.article_id) ?? k.article_id}</a>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>{k.edition_id}</td>
                    <td class="wrap">{k.automated ? `automated (${k.reasons.join(', ')})` : 'person'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        )}
        <h2>Bounces and complaints</h2>
        <IssueTable issues={issues} />
        <h2>Interest profile</h2>
        <LearnedProfile summary={learned} halfLifeDays={halfLifeDays} />
      </OpsLayout>,
    );
  });

  app.get('/ops/quarantine', async (c) => {
    const items = await listQuarantine(deps.db, 100);
    return c.html(
      <OpsLayout title="Quarantine">
        <h1>Quarantine</h1>
        <p class="muted">
          Feed items the article contract refused, newest first, with the reasons. Fix them at the source (or set its default content type).
        </p>
        {items.length === 0 ? (
          <p>No quarantined items.</p>
        ) : (
          <Scroll>
            <table>
              <thead>
                <tr>
                  <th>when</th>
                  <th>source</th>
                  <th class="wrap">reasons</th>
                  <th class="wrap">item</th>
                </tr>
              </thead>
              <tbody>
                {items.map((q) => (
                  <tr>
                    <td>{q.at.slice(0, 16).replace('T', ' ')}</td>
                    <td>
                      <a href={`/ops/sources/${encodeURIComponent(q.source)}`}>{q.source}</a>
                    </td>
                    <td class="wrap">{q.reasons.join('; ')}</td>
                    <td class="wrap">
                      {(q.item as { link?: string; title?: string } | null)?.title ?? (q.item as { link?: string } | null)?.link ?? ''}
                    </td>
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
