// The operator pages' frame: the shared Layout, a navigation bar with sign-out, and table/chart styles
// that keep every page readable at 390 px (wide tables scroll inside their own box, never the page).
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { Layout } from '../layout';

const opsCss = `
  main, .site-header .bar { max-width: 72rem; }
  .site-header .bar { gap: .25rem 1.25rem; }
  nav.ops { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; font-size: .95rem; flex: 1 1 auto; }
  nav.ops form { margin: 0 0 0 auto; }
  nav.ops button { padding: .3rem .8rem; font-size: .9rem; }
  h1 { overflow-wrap: anywhere; } /* a subscriber page is headed by an address: one long word */
  .scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; max-width: 100%; }
  .scroll table { min-width: min(100%, 24rem); }
  td { white-space: nowrap; }
  th { white-space: normal; vertical-align: bottom; }
  th[scope='row'] { vertical-align: top; text-align: left; }
  td.wrap, th.wrap { white-space: normal; min-width: 12rem; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr)); gap: 1rem; }
  figure.chart { margin: 0; background: #fff; border-radius: 12px; padding: .75rem; box-shadow: 0 1px 3px rgba(0,0,0,.08); min-width: 0; }
  .plot { position: relative; height: 12rem; }
  .plot > svg { position: absolute; inset: 0; width: 100%; height: 100%; display: block; }
  .y-tick { position: absolute; left: 0; transform: translateY(-50%); text-align: right; font-size: .7rem; color: #5f6368; white-space: nowrap; }
  .x-labels { display: grid; grid-auto-flow: column; grid-auto-columns: 1fr; font-size: .72rem; color: #5f6368; text-align: center; line-height: 1.2; margin-top: .25rem; }
  .x-labels span { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; padding: 0 1px; }
  .x-labels small { display: block; font-size: .65rem; overflow: hidden; text-overflow: ellipsis; }
  .legend svg { display: inline-block; vertical-align: baseline; }
  figcaption { font-weight: 600; margin-bottom: .25rem; }
  .legend { display: flex; flex-wrap: wrap; gap: .25rem 1rem; font-size: .85rem; color: #5f6368; margin: .25rem 0 0; }
  .alert { background: #fdecea; color: #8c1d18; border-radius: 8px; padding: .75rem 1rem; }
  form.search { display: flex; gap: .5rem; flex-wrap: wrap; }
  form.search input { flex: 1 1 12rem; padding: .5rem; font: inherit; min-width: 0; }
  input { max-width: 100%; }
  code { word-break: break-all; }
`;

/** The operator's header: where they are (Tidings ops), where they can go, and signing out of the operator session. */
function OpsHeader() {
  return (
    <header class="site-header">
      <style>{raw(opsCss)}</style>
      <div class="bar">
        <a class="brand" href="/ops">
          Tidings ops
        </a>
        <nav class="ops" aria-label="Operator">
          <a href="/ops">Dashboard</a>
          <a href="/ops/subscribers">Subscribers</a>
          <a href="/ops/sources">Sources</a>
          <a href="/ops/quarantine">Quarantine</a>
          <a href="/ops/queues">Queues</a>
          <form method="post" action="/ops/logout">
            <button type="submit">Sign out</button>
          </form>
        </nav>
      </div>
    </header>
  );
}

export function OpsLayout(props: { title: string; children: Child }) {
  return (
    <Layout title={props.title} header={<OpsHeader />}>
      {props.children}
    </Layout>
  );
}

/** An article's title linking to its page (the id when the title is unknown). */
export function ArticleLink(props: { id: string; title?: string }) {
  return <a href={`/ops/articles/${encodeURIComponent(props.id)}`}>{props.title ?? props.id}</a>;
}

/** A source's id linking to its page, or a dash when the article names none. */
export function SourceLink(props: { id: string | null | undefined }) {
  return props.id ? <a href={`/ops/sources/${encodeURIComponent(props.id)}`}>{props.id}</a> : <>—</>;
}

/** A table that scrolls sideways inside its own box on a narrow screen. */
export function Scroll(props: { children: Child }) {
  return <div class="scroll">{props.children}</div>;
}

export const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
