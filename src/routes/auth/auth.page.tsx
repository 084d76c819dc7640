// The sign-in pages (hono/jsx): plain HTML forms that work without JavaScript and read well on a phone.
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { Layout } from '../layout';

function Page(props: { title: string; children: Child }) {
  return (
    <Layout title={props.title}>
      <div class="card">{props.children}</div>
    </Layout>
  );
}

function Hidden(props: { fields: Record<string, string | undefined> }) {
  return (
    <>
      {Object.entries(props.fields).map(([name, value]) =>
        value === undefined ? null : <input type="hidden" name={name} value={value} />,
      )}
    </>
  );
}

export function SignInPage(props: { next: string; email?: string; problem?: string; signedOut?: boolean }) {
  return (
    <Page title="Sign in">
      <h1>Sign in to Tidings</h1>
      {props.signedOut ? <p>You are signed out.</p> : null}
      <p>Enter your email address. We will send you a link and a 6-digit code; no password needed.</p>
      <form method="post" action="/sign-in">
        <Hidden fields={{ next: props.next }} />
        <label for="email">Email address</label>
        <input id="email" type="email" name="email" required autocomplete="email" value={props.email ?? ''} />
        {props.problem ? (
          <p class="error" role="alert">
            {props.problem}
          </p>
        ) : null}
        <button type="submit">Email me a sign-in link</button>
      </form>
      <h2>Have a code from the email?</h2>
      <p class="muted">On another device than the one that asked for it, enter your address and the 6-digit code.</p>
      <CodeForm next={props.next} askEmail={true} />
    </Page>
  );
}

/** The 6-digit code form: for another device, or when the link will not open. */
export function CodeForm(props: { ticket?: string; next: string; askEmail: boolean }) {
  return (
    <form method="post" action="/auth/confirm/code">
      <Hidden fields={{ ticket: props.ticket, next: props.next }} />
      {props.askEmail ? (
        <>
          <label for="code-email">Address the code was sent to</label>
          <input id="code-email" type="email" name="email" required autocomplete="email" />
        </>
      ) : null}
      <label for="code">6-digit code from the email</label>
      <input
        id="code"
        class="code"
        type="text"
        name="code"
        required
        inputmode="numeric"
        pattern="[0-9]{6}"
        maxlength={6}
        autocomplete="one-time-code"
      />
      <div>
        <button type="submit">Sign in with the code</button>
      </div>
    </form>
  );
}

/** "Send a new link": to the address we know (sealed ticket), or to one the person types. */
export function ResendForm(props: { ticket?: string; masked?: string; next: string; label?: string }) {
  if (props.ticket) {
    return (
      <form method="post" action="/sign-in/resend">
        <Hidden fields={{ ticket: props.ticket }} />
        <button type="submit">{props.label ?? `Send a new link to ${props.masked}`}</button>
      </form>
    );
  }
  return (
    <form method="post" action="/sign-in">
      <Hidden fields={{ next: props.next }} />
      <label for="resend-email">Send a new link to</label>
      <input id="resend-email" type="email" name="email" required autocomplete="email" />
      <button type="submit">{props.label ?? 'Send a new link'}</button>
    </form>
  );
}

export function CheckEmailPage(props: { masked: string; ticket: string; next: string; expiresMinutes: number; waitSeconds: number }) {
  return (
    <Layout title="Check your email">
      {props.waitSeconds > 0 ? raw(`<meta http-equiv="refresh" content="${props.waitSeconds + 1}">`) : null}
      <div class="card">
        <h1>Check your email</h1>
        <p>
          We sent a link to <strong>{props.masked}</strong>. It works once and expires in {props.expiresMinutes} minutes.
        </p>
        <p>Open it on this device, or type the 6-digit code from the same email here (handy if you read mail on your phone):</p>
        <CodeForm ticket={props.ticket} next={props.next} askEmail={false} />
        <p class="muted">
          Nothing arrived? Check your spam folder.
          {props.waitSeconds > 0 ? ` You can ask for another link in ${props.waitSeconds} seconds.` : ''}
        </p>
        {props.waitSeconds > 0 ? (
          <button type="button" disabled>
            Send a new link
          </button>
        ) : (
          <ResendForm ticket={props.ticket} masked={props.masked} next={props.next} label="Send a new link" />
        )}
        <p class="muted">
          <a href={`/sign-in?next=${encodeURIComponent(props.next)}`}>Use a different address</a>
        </p>
      </div>
    </Layout>
  );
}

/** The page a link opens: nothing is used until the person presses the button (scanners only ever see this). */
export function ConfirmButtonPage(props: {
  masked: string | null;
  action: string;
  fields: Record<string, string | undefined>;
  explain?: Child;
}) {
  const label = props.masked ? `Sign in as ${props.masked}` : 'Sign in to Tidings';
  return (
    <Page title="Sign in">
      <h1>{label}</h1>
      {props.explain ?? <p>Press the button to finish signing in.</p>}
      <form method="post" action={props.action}>
        <Hidden fields={props.fields} />
        <button type="submit">{label}</button>
      </form>
      <p class="muted">Didn't ask to sign in? Close this page; nothing happens until the button is pressed.</p>
    </Page>
  );
}

export function FailurePage(props: { title: string; message: string; ticket?: string; masked?: string; next: string; withCode?: boolean }) {
  return (
    <Page title={props.title}>
      <h1>{props.title}</h1>
      <p>{props.message}</p>
      <ResendForm ticket={props.ticket} masked={props.masked} next={props.next} />
      {props.withCode ? (
        <>
          <p>Or, if you have the email from this request open, type its 6-digit code:</p>
          <CodeForm ticket={props.ticket} next={props.next} askEmail={!props.ticket} />
        </>
      ) : null}
    </Page>
  );
}

export function RateLimitedPage(props: {
  retryAfter: number;
  at: Date;
  ticket?: string;
  masked?: string;
  next: string;
  /** What is held back: sending another link (asked too soon), or trying codes (too many wrong ones). */
  held?: 'link' | 'code';
}) {
  const clock = props.at.toISOString().slice(11, 19);
  if (props.held === 'code')
    return (
      <Page title="Too many tries at the code">
        <h1>Too many tries at the code</h1>
        <p>
          To keep your account safe, codes for {props.masked ?? 'this address'} can be tried again in{' '}
          <strong>{props.retryAfter} seconds</strong> (at {clock} UTC).
        </p>
        <p>Meanwhile the link in the email still works: open it on this device. Or ask for a new email (its link works at once):</p>
        <ResendForm ticket={props.ticket} masked={props.masked} next={props.next} />
      </Page>
    );
  return (
    <Page title="Please wait a moment">
      <h1>Please wait a moment</h1>
      <p>
        A sign-in link was sent very recently, so we are holding off to keep your inbox and your account safe. You can ask again in{' '}
        <strong>{props.retryAfter} seconds</strong> (at {clock} UTC).
      </p>
      <p>If you have not used the newest email we sent you, its link works, and so does its 6-digit code here:</p>
      <CodeForm ticket={props.ticket} next={props.next} askEmail={!props.ticket} />
      <p class="muted">After {clock} UTC:</p>
      <ResendForm ticket={props.ticket} masked={props.masked} next={props.next} />
    </Page>
  );
}

/** Reads the implicit flow's fragment (which never reaches a server) and posts it; errors are turned into a query. */
export function ImplicitPage(props: { nonce: string; next: string }) {
  const script = `
(function () {
  var p = new URLSearchParams(location.hash.slice(1));
  var f = document.getElementById('fragment');
  if (p.get('access_token')) {
    ['access_token', 'refresh_token', 'expires_at'].forEach(function (k) { f.elements[k].value = p.get(k) || ''; });
    history.replaceState(null, '', location.pathname + location.search);
    f.submit();
  } else if (p.get('error') || p.get('error_code') || p.get('error_description')) {
    var q = new URLSearchParams(location.search);
    ['error', 'error_code', 'error_description'].forEach(function (k) { if (p.get(k)) q.set(k, p.get(k)); });
    location.replace(location.pathname + '?' + q.toString());
  } else {
    document.getElementById('empty').hidden = false;
    document.getElementById('working').hidden = true;
  }
})();`;
  return (
    <Page title="Signing you in">
      <h1>Signing you in…</h1>
      <p id="working">One moment.</p>
      <div id="empty" hidden>
        <p>This sign-in address is incomplete: it carries no link, code or session. Ask for a new link below.</p>
        <ResendForm next={props.next} />
      </div>
      <noscript>
        <p>
          This page finishes a sign-in that left its details in the address bar, which only JavaScript can read. Ask for a new link instead;
          it works without JavaScript:
        </p>
        <ResendForm next={props.next} />
      </noscript>
      <form id="fragment" method="post" action="/auth/confirm/implicit">
        <Hidden fields={{ access_token: '', refresh_token: '', expires_at: '', next: props.next }} />
      </form>
      <script nonce={props.nonce}>{raw(script)}</script>
    </Page>
  );
}

export function AccountPage(props: { email: string }) {
  return (
    <Layout title="Your account">
      <h1>You are signed in</h1>
      <div class="card">
        <p>
          Signed in as <strong>{props.email}</strong>.
        </p>
        <form method="post" action="/sign-out">
          <button type="submit" class="secondary">
            Sign out
          </button>
        </form>
      </div>
      <div class="card">
        <h2>Your data</h2>
        <p>
          Everything Tidings holds about you (subscription, what it learned, bookmarks, what you did with your briefings) as one JSON file.
        </p>
        <p>
          <a class="button secondary" href="/account/export" download>
            Download your data
          </a>
        </p>
      </div>
      <div class="card">
        <h2>Delete your account</h2>
        <p>Removes your subscription, profile, bookmarks, archive and sessions. You can subscribe again later with the same address.</p>
        <p>
          <a class="button danger" href="/account/delete">
            Delete my account…
          </a>
        </p>
      </div>
    </Layout>
  );
}
