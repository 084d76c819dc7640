// The page shell every reader-facing page shares: readable on a phone, no JavaScript needed.
import type { Child } from 'hono/jsx';

const css = `
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d1d1f; background: #f6f5f2; }
  main { max-width: 40rem; margin: 0 auto; padding: 2rem 1.25rem; }
  h1 { font-size: 1.5rem; line-height: 1.25; }
  a { color: #0b57d0; }
  .card { background: #fff; border-radius: 12px; padding: 1.25rem; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  .muted { color: #5f6368; font-size: .9rem; }
  button, .button { font: inherit; background: #0b57d0; color: #fff; border: 0; border-radius: 8px; padding: .7rem 1.2rem; cursor: pointer; text-decoration: none; display: inline-block; }
  table { border-collapse: collapse; width: 100%; }
  td, th { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid #e5e5e5; vertical-align: top; }
  pre { white-space: pre-wrap; word-break: break-word; background: #fff; padding: 1rem; border-radius: 8px; }
`;

export function Layout(props: { title: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${props.title} · Tidings`}</title>
        <style>{css}</style>
      </head>
      <body>
        <main>{props.children}</main>
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
