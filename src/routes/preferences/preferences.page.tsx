// The reader's preferences page: what Tidings learned about them, and buttons to correct it.
import type { Subscriber } from '../../contracts';
import type { LearnedItem, ProfileSummary } from '../../core/interest/profile-summary';
import type { ReaderPrefs } from '../../store/interest';
import { Layout } from '../layout';

export interface PreferencesPageProps {
  action: string;
  subscriber: Subscriber;
  summary: ProfileSummary;
  prefs: ReaderPrefs;
  sourceTitles: ReadonlyMap<string, string>;
  notice: string | null;
}

/** One button in its own form: a real POST a person presses (mail scanners do not). */
function Button(props: { action: string; name: string; value: string; label: string }) {
  return (
    <form method="post" action={props.action} style="display:inline">
      <input type="hidden" name={props.name} value={props.value} />
      <button type="submit" style="padding:.25rem .7rem;font-size:.85rem">
        {props.label}
      </button>
    </form>
  );
}

function Row(props: { children: unknown; button?: unknown }) {
  return (
    <tr>
      <td>{props.children as never}</td>
      <td style="text-align:right">{props.button as never}</td>
    </tr>
  );
}

const strength = (item: LearnedItem) => (item.weight >= 1 ? 'strong' : item.weight >= 0.3 ? 'clear' : 'some');

export function PreferencesPage(p: PreferencesPageProps) {
  const mutedTopics = new Set(p.prefs.muted_topics);
  const mutedSources = new Set(p.prefs.muted_sources);
  const learnedTopics = p.summary.topics.filter((t) => !mutedTopics.has(t.value) && !p.subscriber.topics.includes(t.value));
  const learnedSources = p.summary.sources.filter((s) => !mutedSources.has(s.value));
  return (
    <Layout title="Your preferences">
      <h1>What Tidings learned about you</h1>
      <p class="muted">
        For {p.subscriber.email}.{' '}
        {p.summary.trust > 0
          ? `Built from what you opened, bookmarked and voted on in your briefings, and what you passed over (${p.summary.signals} in all).`
          : 'Nothing learned from you yet: Tidings learns from what you open, bookmark and vote on in your briefings, and until then goes by the topics you follow.'}{' '}
        Changes apply from your next briefing.
      </p>
      {p.notice ? (
        <p class="card" role="status">
          {p.notice}
        </p>
      ) : null}

      <div class="card">
        <h2>Topics you follow</h2>
        {p.subscriber.topics.length === 0 ? <p class="muted">None chosen. Tidings goes by what you read.</p> : null}
        <table>
          {p.subscriber.topics.map((t) => (
            <Row button={<Button action={`${p.action}/topics/drop`} name="topic" value={t} label="Drop" />}>{t}</Row>
          ))}
        </table>
        <form method="post" action={`${p.action}/topics/follow`} style="margin-top:.75rem">
          <label>
            Follow a topic: <input name="topic" maxlength={60} required />
          </label>{' '}
          <button type="submit">Follow</button>
        </form>
      </div>

      <div class="card" style="margin-top:1rem">
        <h2>Topics you seem to like</h2>
        {learnedTopics.length === 0 ? <p class="muted">Nothing learned yet: open a few articles from your briefings.</p> : null}
        <table>
          {learnedTopics.map((t) => (
            <Row button={<Button action={`${p.action}/topics/drop`} name="topic" value={t.value} label="Not interested" />}>
              {t.label} <span class="muted">({strength(t)})</span>
            </Row>
          ))}
        </table>
      </div>

      <div class="card" style="margin-top:1rem">
        <h2>Sources you read most</h2>
        {learnedSources.length === 0 ? <p class="muted">Nothing learned yet.</p> : null}
        <table>
          {learnedSources.map((s) => (
            <Row button={<Button action={`${p.action}/sources/mute`} name="source" value={s.value} label="Mute" />}>
              {s.label} <span class="muted">({strength(s)})</span>
            </Row>
          ))}
        </table>
        {p.summary.authors.length > 0 ? <p class="muted">Writers you read: {p.summary.authors.map((a) => a.label).join(', ')}.</p> : null}
        {p.summary.terms.length > 0 ? (
          <p class="muted">Words that catch your eye: {p.summary.terms.map((a) => a.label).join(', ')}.</p>
        ) : null}
        {p.summary.disliked.length > 0 ? (
          <p class="muted">You seem less interested in: {p.summary.disliked.map((a) => a.label).join(', ')}.</p>
        ) : null}
      </div>

      {mutedTopics.size + mutedSources.size > 0 ? (
        <div class="card" style="margin-top:1rem">
          <h2>Muted</h2>
          <p class="muted">Articles about these topics or from these sources never reach your briefing.</p>
          <table>
            {[...mutedTopics].map((t) => (
              <Row button={<Button action={`${p.action}/topics/restore`} name="topic" value={t} label="Undo" />}>Topic: {t}</Row>
            ))}
            {[...mutedSources].map((s) => (
              <Row button={<Button action={`${p.action}/sources/unmute`} name="source" value={s} label="Undo" />}>
                Source: {p.sourceTitles.get(s) ?? s}
              </Row>
            ))}
          </table>
        </div>
      ) : null}
    </Layout>
  );
}
