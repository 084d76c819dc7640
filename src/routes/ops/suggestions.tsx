// The dashboard's "Suggested sources": what discovery found, why, and buttons to accept or dismiss.
import type { Suggestion } from '../../store/discovery';

export function SuggestionsSection(props: { suggestions: Suggestion[] }) {
  return (
    <section id="suggestions">
      <h2>Suggested sources</h2>
      {props.suggestions.length === 0 ? (
        <p>
          No suggestions waiting. Discovery runs on its own schedule; run a round now with <code>npx tidings discover</code>.
        </p>
      ) : (
        <ul class="suggestion-list" style="list-style:none;padding:0;margin:0">
          {props.suggestions.slice(0, 20).map((s) => (
            <li style="padding:.75rem 0;border-top:1px solid var(--line, #ddd)">
              <strong>{s.title}</strong>{' '}
              <a href={s.url} rel="noopener noreferrer" class="muted small">
                {new URL(s.url).host}
              </a>
              <br />
              <span class="small">
                {s.reason} (score {s.score.toFixed(2)}; {s.kind ?? 'feed'}, {s.items} items; {s.found_via})
              </span>
              <br />
              <form method="post" action="/ops/suggestions/accept" class="inline">
                <input type="hidden" name="url" value={s.url} />
                <button type="submit">Accept</button>
              </form>{' '}
              <form method="post" action="/ops/suggestions/dismiss" class="inline">
                <input type="hidden" name="url" value={s.url} />
                <button type="submit" class="secondary">
                  Dismiss
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
