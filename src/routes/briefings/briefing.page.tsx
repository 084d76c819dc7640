// A briefing as a web page: the same ranked articles and the same tracked links as the email; and the archive list.
import type { ArchiveEntry } from '../../store/reader-briefings';
import type { Child } from 'hono/jsx';
import { Layout } from '../layout';
import { editionLabel, type WebBriefing } from './briefing-view';

/**
 * One press on the web: the reader is on our own page, so the button posts straight to the action (the same
 * signed /a/ link as the email's) and comes back here; the email's link opens a page first, for mail scanners.
 */
function ActionButton(props: { href: string; back: string; active: boolean; label: string; activeLabel: string }) {
  return (
    <form method="post" action={props.href} class="inline">
      <input type="hidden" name="back" value={props.back} />
      {props.active ? <input type="hidden" name="do" value="undo" /> : null}
      <button type="submit" class="link" aria-pressed={props.active ? 'true' : 'false'}>
        {props.active ? props.activeLabel : props.label}
      </button>
    </form>
  );
}

export function BriefingArticles(props: { briefing: WebBriefing; back: string }) {
  return (
    <ol class="articles">
      {props.briefing.items.map((item, i) => (
        <li class="article" id={`article-${i + 1}`}>
          <h2>
            <a href={item.href}>{item.title}</a>
          </h2>
          {item.summary ? <p>{item.summary}</p> : null}
          <p class="meta">
            {item.source}
            {item.reasons.length > 0 ? ` · ${item.reasons.join(' · ')}` : ''}
          </p>
          <div class="actions">
            <ActionButton
              href={item.saveHref}
              back={`${props.back}#article-${i + 1}`}
              active={item.saved}
              label="Save for later"
              activeLabel="Saved ✓ (remove)"
            />
            <ActionButton
              href={item.moreHref}
              back={`${props.back}#article-${i + 1}`}
              active={item.vote === 'up'}
              label="More like this"
              activeLabel="More like this ✓ (undo)"
            />
            <ActionButton
              href={item.fewerHref}
              back={`${props.back}#article-${i + 1}`}
              active={item.vote === 'down'}
              label="Fewer like this"
              activeLabel="Fewer like this ✓ (undo)"
            />
          </div>
        </li>
      ))}
    </ol>
  );
}

export function BriefingPage(props: {
  briefing: WebBriefing;
  title: string;
  back: string;
  welcome?: boolean;
  latest?: boolean;
  children?: Child;
  aside?: Child;
}) {
  return (
    <Layout title={props.title}>
      {props.welcome ? (
        <p class="notice" role="status">
          You are subscribed. Here is your latest briefing; it is in your inbox too. From now on it arrives on your schedule (change it in{' '}
          <a href="/settings">Settings</a>).
        </p>
      ) : null}
      <h1>{props.title}</h1>
      <p class="meta">{props.briefing.label}</p>
      {props.children}
      {props.briefing.items.length === 0 ? (
        <p class="card">The articles of this briefing are no longer available.</p>
      ) : (
        <BriefingArticles briefing={props.briefing} back={props.back} />
      )}
      {props.aside}
      <p class="muted">
        {props.latest ? <a href="/briefings">All your briefings</a> : <a href="/">Your latest briefing</a>} ·{' '}
        <a href="/preferences">What Tidings learned about you</a>
      </p>
    </Layout>
  );
}

export function ArchivePage(props: { entries: ArchiveEntry[]; total: number; start: number; pageSize: number; timeZone: string }) {
  const { entries, total, start, pageSize } = props;
  return (
    <Layout title="Your briefings">
      <h1>Your briefings</h1>
      {total === 0 ? (
        <p class="card">
          No briefing yet. Your first one arrives on your schedule; see <a href="/settings">Settings</a>.
        </p>
      ) : (
        <div class="card">
          <p class="muted">
            {total} briefing{total === 1 ? '' : 's'}, newest first.
          </p>
          <ul class="list">
            {entries.map((e) => (
              <li>
                <a href={`/briefings/${encodeURIComponent(e.edition)}`}>{editionLabel(e.sent_at, props.timeZone)}</a>
                <span class="muted small">{editionKind(e.edition)}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <p class="actions">
        {start > 0 ? <a href={`/briefings?start=${Math.max(0, start - pageSize)}`}>Newer</a> : null}
        {start + pageSize < total ? <a href={`/briefings?start=${start + pageSize}`}>Older</a> : null}
      </p>
    </Layout>
  );
}

/** What kind of briefing an edition id names, in words a reader knows (ids are for operators). */
function editionKind(edition: string): string {
  if (edition.startsWith('welcome-')) return 'welcome';
  if (edition.startsWith('now-')) return 'sent on request';
  return /^(.+?)-\d{4}-\d\d-\d\d/.exec(edition)?.[1] ?? '';
}
