// The reader's side of discovery: the search box and results, and suggested sources on the home page.
import type { Suggestion } from '../../store/discovery';
import { Layout } from '../layout';

export interface SearchHit {
  title: string;
  url: string;
  source: string;
  published: string;
  reasons: string[];
}

export function SearchBox(props: { q?: string }) {
  return (
    <form method="get" action="/search" role="search" class="search-box">
      <label for="q">Search your articles</label>
      <div class="actions" style="margin-top:0">
        <input
          type="search"
          id="q"
          name="q"
          value={props.q ?? ''}
          maxlength={200}
          placeholder="kubernetes, rust, a writer…"
          style="flex:1 1 12rem;width:auto"
        />
        <button type="submit">Search</button>
      </div>
    </form>
  );
}

export function SuggestedSources(props: { suggestions: Suggestion[]; followed?: string | null }) {
  if (props.suggestions.length === 0 && !props.followed) return null;
  return (
    <section class="card" aria-labelledby="suggested">
      <h2 id="suggested" style="font-size:1.1rem">
        Sources you might like
      </h2>
      {props.followed ? (
        <p class="notice" role="status">
          You follow {props.followed}: its articles rank higher in your briefings.
        </p>
      ) : null}
      <ul class="suggestion-list" style="list-style:none;padding:0;margin:0">
        {props.suggestions.map((s) => (
          <li style="padding:.75rem 0;border-top:1px solid var(--line, #ddd)">
            <strong>{s.title}</strong> <span class="muted small">{new URL(s.url).host}</span>
            <br />
            <span class="meta">{s.interest ? `Readers who read about ${s.interest} open many of its posts` : s.reason}</span>
            <form method="post" action="/suggestions/follow" style="margin:.5rem 0 0">
              <input type="hidden" name="url" value={s.url} />
              <button type="submit" class="secondary">
                Follow
              </button>
            </form>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function SearchPage(props: { q: string; hits: SearchHit[]; tooShort: boolean }) {
  return (
    <Layout title={props.q ? `Search: ${props.q}` : 'Search'}>
      <h1>Search</h1>
      <SearchBox q={props.q} />
      {props.tooShort ? (
        <p class="card">Type a word or two to search for (words like "the" or "and" are not searched).</p>
      ) : props.hits.length === 0 ? (
        <p class="card">No article matches "{props.q}". Try fewer or shorter words.</p>
      ) : (
        <>
          <p class="muted">
            {props.hits.length} article{props.hits.length === 1 ? '' : 's'}, ordered for you.
          </p>
          <ol class="articles">
            {props.hits.map((h) => (
              <li class="article">
                <h2>
                  <a href={h.url} rel="noopener noreferrer">
                    {h.title}
                  </a>
                </h2>
                <p class="meta">
                  {h.source} · {h.published.slice(0, 10)}
                  {h.reasons.length > 0 ? ` · ${h.reasons.join(' · ')}` : ''}
                </p>
              </li>
            ))}
          </ol>
        </>
      )}
      <p class="muted">
        <a href="/">Your latest briefing</a>
      </p>
    </Layout>
  );
}
