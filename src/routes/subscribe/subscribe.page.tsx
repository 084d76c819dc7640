// The signed-out front page: what Tidings is, and the subscribe form (works without JavaScript).
import type { SendTimes } from '../../core/schedule/send-times';
import type { TopicCount } from '../../store/topics';
import { DeliveryFields, type DeliveryValues } from '../design/delivery-fields';
import { Layout } from '../layout';

export interface SubscribePageProps {
  topics: TopicCount[];
  values: DeliveryValues & { email: string; topics: string[] };
  /** True until the reader has submitted once (then their own zone choice stands). */
  detect: boolean;
  sendTimes: SendTimes;
  problems?: Record<string, string>;
  devNote?: boolean;
}

export function SubscribePage(p: SubscribePageProps) {
  const chosen = new Set(p.values.topics);
  return (
    <Layout title="A briefing of what is worth your time">
      <h1>The few articles worth your time, in one email</h1>
      <p class="lead">
        Tidings reads the sources for you and sends a short briefing, ranked for you. It learns from what you open, save and vote on, and
        you can see and correct what it learned.
      </p>
      <ul class="muted">
        <li>Your first briefing arrives as soon as you confirm your address.</li>
        <li>Every briefing is also on the web, with your bookmarks and archive.</li>
        <li>Change how often, pause, export or delete everything, any time.</li>
      </ul>
      <form method="post" action="/subscribe" class="card" novalidate>
        <h2>Subscribe</h2>
        <label for="email">Email address</label>
        <input
          id="email"
          type="email"
          name="email"
          required
          autocomplete="email"
          value={p.values.email}
          aria-describedby={p.problems?.email ? 'email-problem' : undefined}
        />
        {p.problems?.email ? (
          <span class="error" id="email-problem" role="alert">
            {p.problems.email}
          </span>
        ) : null}
        <fieldset>
          <legend>Topics to start with</legend>
          {p.topics.length === 0 ? (
            <p class="muted">No articles yet; Tidings will go by what you read.</p>
          ) : (
            <div class="choices">
              {p.topics.map((t) => (
                <label class="choice">
                  <input type="checkbox" name="topics" value={t.topic} checked={chosen.has(t.topic)} /> {t.topic}{' '}
                  <span class="muted">({t.articles} recent)</span>
                </label>
              ))}
            </div>
          )}
          {p.problems?.topics ? (
            <span class="error" role="alert">
              {p.problems.topics}
            </span>
          ) : (
            <span class="hint">Optional: the ranking learns from what you read either way.</span>
          )}
        </fieldset>
        <DeliveryFields values={p.values} detect={p.detect} sendTimes={p.sendTimes} problems={p.problems} />
        <div class="actions">
          <button type="submit">Subscribe</button>
        </div>
        <p class="muted small">
          We email you a link to confirm. Nothing else is sent until you press it, and an unconfirmed request is forgotten when the link
          expires.
        </p>
      </form>
      <p>
        Already subscribed? <a href="/sign-in">Sign in</a> to read your briefings on the web.
      </p>
      {p.devNote ? (
        <p class="muted small">
          Development instance: mail goes to the <a href="/dev/outbox">dev outbox</a>.
        </p>
      ) : null}
    </Layout>
  );
}
