// /account/export: everything held about the signed-in reader, as a JSON download; /account/delete: a page
// with one button, then everything goes (only anonymous aggregate counts stay) and the browser is signed out.
import { Hono } from 'hono';
import type { AppDeps } from '../../deps';
import { deleteAccount, exportAccount } from '../../store/accounts';
import { csrfGuard, endSiteSession, readForm } from '../auth/http';
import { Layout, MessagePage } from '../layout';
import { currentReader, signInFirst } from '../reader-session';
import type { ViewerEnv } from '../viewer';

export function accountRoutes(deps: AppDeps) {
  const app = new Hono<ViewerEnv>();
  app.post('/account/delete', csrfGuard(deps));

  app.get('/account/export', async (c) => {
    const reader = await currentReader(c, deps);
    if (!reader) return signInFirst(c);
    const data = await exportAccount(deps.db, reader.session.email, reader.subscriber, deps.now());
    c.header('Cache-Control', 'private, no-store');
    c.header('Content-Disposition', `attachment; filename="tidings-data-${deps.now().toISOString().slice(0, 10)}.json"`);
    return c.body(JSON.stringify(data, null, 2), 200, { 'content-type': 'application/json; charset=utf-8' });
  });

  app.get('/account/delete', async (c) => {
    const reader = await currentReader(c, deps);
    if (!reader) return signInFirst(c);
    c.header('Cache-Control', 'private, no-store');
    return c.html(
      <Layout title="Delete your account">
        <h1>Delete your account?</h1>
        <div class="card">
          <p>
            This removes everything Tidings holds about <strong>{reader.session.email}</strong>: your subscription, what Tidings learned
            about you, your bookmarks and archive, briefings waiting to be sent, and every signed-in session. It cannot be undone.
          </p>
          <p>
            Want a copy first? <a href="/account/export">Download your data</a>.
          </p>
          <form method="post" action="/account/delete">
            <input type="hidden" name="confirm" value="yes" />
            <div class="actions">
              <button type="submit" class="danger">
                Yes, delete everything
              </button>
              <a href="/account">No, keep my account</a>
            </div>
          </form>
        </div>
      </Layout>,
    );
  });

  app.post('/account/delete', async (c) => {
    const reader = await currentReader(c, deps);
    if (!reader) return signInFirst(c);
    if ((await readForm(c)).confirm !== 'yes') return c.redirect('/account/delete', 303);
    await deleteAccount(deps.db, reader.session.email, reader.subscriber, deps.now());
    await endSiteSession(c, deps);
    deps.log.info({ subscriber: reader.subscriber?.id ?? null }, 'a reader deleted their account');
    c.set('viewer', null);
    return c.html(
      <MessagePage
        title="Your account is deleted"
        message="Everything Tidings held about you is gone, and no more briefings will be sent. Only anonymous counts remain."
        next={
          <>
            Changed your mind? You can <a href="/">subscribe again</a> with the same address.
          </>
        }
      />,
    );
  });
  return app;
}
