// The bookmarks page: saved articles, newest first, each with its own remove button (a real POST).
import type { Article } from '../../contracts';
import { Layout } from '../layout';

export function BookmarksPage(props: { saved: Array<{ id: string; article: Article }>; removedTitle: string | null }) {
  return (
    <Layout title="Bookmarks">
      <h1>Saved for later</h1>
      {props.removedTitle ? (
        <p class="notice" role="status">
          Removed “{props.removedTitle}” from your bookmarks.
        </p>
      ) : null}
      {props.saved.length === 0 ? (
        <p class="card">Nothing saved yet. Press “Save for later” under any article in a briefing, in the email or here on the web.</p>
      ) : (
        <ol class="articles">
          {props.saved.map(({ id, article }) => (
            <li class="article">
              <h2>
                <a href={article.url}>{article.title}</a>
              </h2>
              {article.summary ? <p>{article.summary}</p> : null}
              <form method="post" action="/bookmarks/remove" class="inline">
                <input type="hidden" name="article" value={id} />
                <button type="submit" class="secondary" aria-label={`Remove “${article.title}” from bookmarks`}>
                  Remove
                </button>
              </form>
            </li>
          ))}
        </ol>
      )}
    </Layout>
  );
}
