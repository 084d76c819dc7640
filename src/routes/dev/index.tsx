// The dev outbox: where mail goes when no provider is configured. Answers 404 in production.
import { Hono } from 'hono';
import type { AppDeps } from '../../deps';
import { findOutboxMessage, listOutbox } from '../../store/outbox';
import { Layout, MessagePage } from '../layout';

export function devRoutes(deps: AppDeps) {
  const app = new Hono();
  app.use('/dev/*', async (c, next) => {
    if (deps.config.NODE_ENV === 'production') return c.notFound();
    await next();
  });

  app.get('/dev/outbox.json', async (c) => c.json({ messages: await listOutbox(deps.db) }));

  app.get('/dev/outbox', async (c) => {
    const messages = await listOutbox(deps.db);
    return c.html(
      <Layout title="Dev outbox">
        <h1>Dev outbox</h1>
        <p class="muted">
          Mail goes here because <code>RESEND_API_KEY</code> is not set. Newest first; {messages.length} shown. Also as{' '}
          <a href="/dev/outbox.json">JSON</a>.
        </p>
        {messages.length === 0 ? (
          <p class="card">
            Nothing yet. Send a briefing with <code>npx tidings send-now --to you@example.com</code>.
          </p>
        ) : (
          <table class="card">
            <thead>
              <tr>
                <th>When</th>
                <th>To</th>
                <th>Subject</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr>
                  <td class="muted">{m.created_at.replace('T', ' ').slice(0, 19)}</td>
                  <td>{m.to.join(', ')}</td>
                  <td>
                    <a href={`/dev/outbox/${encodeURIComponent(m.id)}`}>{m.subject}</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Layout>,
    );
  });

  app.get('/dev/outbox/:id/html', async (c) => {
    const message = await findOutboxMessage(deps.db, c.req.param('id'));
    if (!message) return c.notFound();
    return c.html(message.html);
  });

  app.get('/dev/outbox/:id', async (c) => {
    const message = await findOutboxMessage(deps.db, c.req.param('id'));
    if (!message) {
      return c.html(
        <MessagePage
          title="No such message"
          message="The outbox keeps the newest 1000 messages; this one is not among them."
          next={<a href="/dev/outbox">Back to the outbox</a>}
        />,
        404,
      );
    }
    return c.html(
      <Layout title={message.subject}>
        <p>
          <a href="/dev/outbox">← Outbox</a>
        </p>
        <h1>{message.subject}</h1>
        <p class="muted">
          From {message.from} to {message.to.join(', ')} at {message.created_at}
        </p>
        <h2>HTML</h2>
        <iframe
          title="HTML part"
          src={`/dev/outbox/${encodeURIComponent(message.id)}/html`}
          style="width:100%;height:70vh;border:1px solid #ddd;border-radius:8px;background:#fff"
        />
        <h2>Plain text</h2>
        <pre>{message.text}</pre>
        <h2>Headers</h2>
        <pre>
          {Object.entries(message.headers)
            .map(([k, v]) => `${k}: ${v}`)
            .join('\n') || '(none)'}
        </pre>
      </Layout>,
    );
  });

  return app;
}
