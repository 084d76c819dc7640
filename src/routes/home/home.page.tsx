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

export function FirstBriefingPendingPage(props: { welcome: boolean }) {
  return (
    <Layout title="Your first briefing">
      {/* Reloads by itself for a little while (no JavaScript needed): the welcome briefing takes seconds. */}
      {props.welcome ? raw('<meta http-equiv="refresh" content="2">') : null}
      <h1>{props.welcome ? 'You are subscribed' : 'No briefing yet'}</h1>
      <div class="card">
        {props.welcome ? (
          <p role="status">Your first briefing is being put together and sent now. This page shows it as soon as it is ready.</p>
        ) : (
          <p>Your first briefing arrives on your schedule. You can change when in <a href="/settings">Settings</a>.</p>
        )}
      </div>
    </Layout>
  );
}
