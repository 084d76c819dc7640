// The page shell every page shares: the site header (who you are, sign out), the stylesheet, and the message page.
// Readable on a phone, no JavaScript needed. The styles live in design/site-css.ts, served at /assets/site.css.
import type { Child } from 'hono/jsx';
import { tryGetContext } from 'hono/context-storage';
import { ICON_PATH, STYLESHEET_PATH } from './design/assets';

/** Who is looking at the page, set per request by the viewer middleware (null when signed out). */
export interface Viewer {
  email: string;
}

export type ViewerVariables = { viewer?: Viewer | null };

function currentViewer(): { viewer: Viewer | null; path: string } {
  const c = tryGetContext<{ Variables: ViewerVariables }>();
  return { viewer: c?.var.viewer ?? null, path: c?.req.path ?? '' };
}

const readerNav = [
  { href: '/', label: 'Latest' },
  { href: '/briefings', label: 'Archive' },
  { href: '/bookmarks', label: 'Bookmarks' },
  { href: '/settings', label: 'Settings' },
  { href: '/account', label: 'Account' },
];

function SiteHeader() {
  const { viewer, path } = currentViewer();
  return (
    <header class="site-header">
      <div class="bar">
        <a class="brand" href="/">
          Tidings
        </a>
        {viewer ? (
          <nav class="site-nav" aria-label="Your pages">
            {readerNav.map((item) => (
              <a href={item.href} aria-current={path === item.href ? 'page' : undefined}>
                {item.label}
              </a>
            ))}
          </nav>
        ) : (
          <nav class="site-nav" aria-label="Site">
            <a href="/">Subscribe</a>
            <a href="/sign-in">Sign in</a>
          </nav>
        )}
        {viewer ? (
          <div class="who">
            <span>
              Signed in as <strong>{viewer.email}</strong>
            </span>
            <form method="post" action="/sign-out" class="inline">
              <button type="submit" class="secondary">
                Sign out
              </button>
            </form>
          </div>
        ) : null}
      </div>
    </header>
  );
}

/** `header` replaces the reader's site header (the operator pages bring their own). */
export function Layout(props: { title: string; children: Child; header?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${props.title} · Tidings`}</title>
        <link rel="stylesheet" href={STYLESHEET_PATH} />
        <link rel="icon" href={ICON_PATH} type="image/svg+xml" />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to the content
        </a>
        {props.header ?? <SiteHeader />}
        <main id="main">{props.children}</main>
      </body>
    </html>
  );
}

/** A page that says what happened and what to do next: every error a person can see uses it. */
export function MessagePage(props: { title: string; message: string; next?: Child }) {
  return (
    <Layout title={props.title}>
      <div class="card">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        {props.next ? <p>{props.next}</p> : null}
      </div>
    </Layout>
  );
}
