// The signed-in home when there is no briefing to show yet: not subscribed, or the first one is on its way.
import { raw } from 'hono/html';
import { Layout } from '../layout';

export function NotSubscribedPage(props: { email: string; unsubscribed: boolean }) {
  return (
    <Layout title="Not subscribed">
      <h1>{props.unsubscribed ? 'You are unsubscribed' : 'You are not subscribed yet'}</h1>
      <div class="card">
        <p>
          {props.unsubscribed
            ? `No briefings go to ${props.email}. Your archive and bookmarks are still here.`
            : `You are signed in as ${props.email}, but no briefings go to this address.`}
        </p>
        <form method="post" action="/settings/resubscribe">
          <button type="submit">{props.unsubscribed ? 'Subscribe again' : 'Subscribe'}</button>
        </form>
        <p class="muted small">
          Then choose how often and when in <a href="/settings">Settings</a>.
        </p>
      </div>
    </Layout>
  );
}

/** How many times the page reloads itself (every 2 s) waiting for the welcome briefing. */
const WAIT_RELOADS = 15;

export function FirstBriefingPendingPage(props: { welcome: boolean; attempt: number }) {
  const waiting = props.welcome && props.attempt < WAIT_RELOADS;
  return (
    <Layout title="Your first briefing">
      {/* Reloads by itself for a little while (no JavaScript needed): the welcome briefing takes seconds. */}
      {waiting ? raw(`<meta http-equiv="refresh" content="2;url=/?welcome=1&amp;wait=${props.attempt + 1}">`) : null}
      <h1>{props.welcome ? 'You are subscribed' : 'No briefing yet'}</h1>
      <div class="card">
        {props.welcome ? (
          <p role="status">
            {waiting
              ? 'Your first briefing is being put together and sent now. This page shows it as soon as it is ready.'
              : 'Your first briefing is taking longer than usual. It will be in your inbox; reload this page in a few minutes.'}
          </p>
        ) : (
          <p>
            Your first briefing arrives on your schedule. You can change when in <a href="/settings">Settings</a>.
          </p>
        )}
      </div>
    </Layout>
  );
}
