// GET /: what this instance is, and where to look next.
import { Hono } from 'hono';
import type { AppDeps } from '../../deps';
import { Layout } from '../layout';

export function homeRoutes(deps: AppDeps) {
  return new Hono().get('/', (c) =>
    c.html(
      <Layout title="Tidings">
        <h1>Tidings</h1>
        <p>A personal briefing of the articles most worth your time, by email.</p>
        {deps.config.NODE_ENV !== 'production' ? (
          <div class="card">
            <p>This is a development instance. Mail is {deps.config.usesDevOutbox ? <>captured in the <a href="/dev/outbox">dev outbox</a></> : 'sent through Resend'}.</p>
            <p>Send yourself a briefing: <code>npx tidings send-now --to you@example.com</code></p>
            <p class="muted"><a href="/healthz">Health</a></p>
          </div>
        ) : null}
      </Layout>,
    ),
  );
}
