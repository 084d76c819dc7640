// The settings page: how often and when, pause until a date, unsubscribe or subscribe again. One form per action.
import type { Subscriber } from '../../contracts';
import type { SendTimes } from '../../core/schedule/send-times';
import { DeliveryFields, hourLabel, weekdayNames } from '../design/delivery-fields';
import { Layout } from '../layout';

export interface SettingsPageProps {
  subscriber: Subscriber;
  today: string;
  notice: string | null;
  sendTimes: SendTimes;
  problems?: Record<string, string>;
  /** What the reader typed into a form that was refused, shown again. */
  typed?: { until?: string };
}

/** The day after `date` (YYYY-MM-DD): the first a pause can run until. */
function dayAfter(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function describe(s: Subscriber, times: SendTimes): string {
  const when = !times.readerChooses
    ? times.times.length
      ? `at ${times.times.join(' and ')}`
      : 'when this site sends an edition'
    : s.delivery_hour === null
      ? 'at the time the operator set'
      : `at ${hourLabel(s.delivery_hour)}`;
  const how = s.frequency === 'daily' ? 'every day' : s.frequency === 'weekdays' ? 'on weekdays' : `every ${weekdayNames[s.weekday]}`;
  return `${how} ${when} (${s.timezone.replace(/_/g, ' ')})`;
}

export function SettingsPage(p: SettingsPageProps) {
  const s = p.subscriber;
  const paused = s.paused_until !== null && p.today < s.paused_until;
  const active = s.status === 'active';
  return (
    <Layout title="Settings">
      <h1>Settings</h1>
      {p.notice ? (
        <p class="notice" role="status">
          {p.notice}
        </p>
      ) : null}
      <div class="card">
        <h2>Your briefing</h2>
        <p>
          {!active
            ? s.status === 'unsubscribed'
              ? 'You are unsubscribed: no briefings are sent.'
              : 'Briefings to this address are stopped because mail to it bounced.'
            : !p.sendTimes.readerChooses && p.sendTimes.times.length === 0
              ? 'Nothing is scheduled yet: your briefing starts when this site schedules editions, with the choices below.'
              : paused
                ? `Paused: nothing is sent before ${s.paused_until}. Then ${describe(s, p.sendTimes)}.`
                : `Sent ${describe(s, p.sendTimes)}.`}
        </p>
        <form method="post" action="/settings">
          <DeliveryFields
            values={{ timezone: s.timezone, frequency: s.frequency, weekday: s.weekday, delivery_hour: s.delivery_hour ?? 7 }}
            detect={false}
            sendTimes={p.sendTimes}
            problems={p.problems}
          />
          <button type="submit">Save delivery settings</button>
        </form>
      </div>

      <div class="card">
        <h2>Pause</h2>
        {paused ? (
          <form method="post" action="/settings/resume">
            <p>Paused until {s.paused_until}.</p>
            <button type="submit">Resume now</button>
          </form>
        ) : (
          <form method="post" action="/settings/pause">
            <label for="until">
              Pause until
              <span class="hint">No briefing before this date; they start again on it by themselves.</span>
            </label>
            <input
              id="until"
              type="date"
              name="until"
              min={dayAfter(p.today)}
              value={p.typed?.until}
              required
              aria-invalid={p.problems?.until ? 'true' : undefined}
            />
            {p.problems?.until ? (
              <span class="error" role="alert">
                {p.problems.until}
              </span>
            ) : null}
            <div class="actions">
              <button type="submit">Pause</button>
            </div>
          </form>
        )}
      </div>

      <div class="card">
        <h2>Topics and sources</h2>
        <p>
          See what Tidings learned from your reading, follow or drop topics, mute sources: <a href="/preferences">your preferences</a>.
        </p>
      </div>

      <div class="card">
        <h2>Subscription</h2>
        {s.status === 'unsubscribed' ? (
          <form method="post" action="/settings/resubscribe">
            <p>You are unsubscribed.</p>
            <button type="submit">Subscribe again</button>
          </form>
        ) : (
          <form method="post" action="/settings/unsubscribe">
            <p>Stop all briefings. Your archive and bookmarks stay; you can subscribe again here any time.</p>
            <button type="submit" class="secondary">
              Unsubscribe
            </button>
          </form>
        )}
        <p class="muted small">
          To remove everything Tidings holds about you, see <a href="/account">Account</a>.
        </p>
      </div>
    </Layout>
  );
}
