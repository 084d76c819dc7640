// The design system's one stylesheet: tokens, layout, type, forms, buttons, cards, lists. Served at /assets/site.css.
// Phone first (one column, 16px+ text, 44px targets); colours meet WCAG AA on their backgrounds; focus is always visible.

export const siteCss = `
:root {
  --bg: #f6f5f2; --surface: #ffffff; --text: #1d1d1f; --muted: #54585e; --line: #dcdad5;
  --accent: #0b57d0; --accent-text: #ffffff; --accent-soft: #e8eefb; --danger: #a50e0e; --danger-soft: #fbe9e9;
  --ok: #146c2e; --ok-soft: #e6f4ea; --radius: 12px; --gap: 1rem;
  --font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  --mono: ui-monospace, "SF Mono", Menlo, Consolas, monospace;
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { font: 16px/1.55 var(--font); margin: 0; color: var(--text); background: var(--bg); }
a { color: var(--accent); text-underline-offset: .15em; }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; border-radius: 4px; }
.skip { position: absolute; left: -9999px; top: 0; }
.skip:focus { left: .5rem; top: .5rem; background: var(--surface); padding: .5rem .75rem; z-index: 10; }

.site-header { background: var(--surface); border-bottom: 1px solid var(--line); }
.site-header .bar { max-width: 44rem; margin: 0 auto; padding: .6rem 1.25rem; display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; }
.brand { font-weight: 700; font-size: 1.15rem; color: var(--text); text-decoration: none; margin-right: auto; }
.site-nav { display: flex; flex-wrap: wrap; gap: .25rem .9rem; font-size: .95rem; }
.site-nav a { padding: .35rem 0; display: inline-block; }
.site-nav a[aria-current="page"] { font-weight: 700; color: var(--text); text-decoration: none; }
.who { font-size: .9rem; color: var(--muted); display: flex; align-items: center; gap: .5rem; flex-wrap: wrap; width: 100%; }
.who form { margin: 0; display: inline; }
.who button { padding: .3rem .7rem; min-height: 0; font-size: .85rem; }

main { max-width: 44rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
/* A long address, topic or search breaks rather than pushing the page sideways on a phone. */
main, .who { overflow-wrap: anywhere; }
/* …but a column heading wraps between words only: broken anywhere, a narrow column stacks it a letter a line. */
th { overflow-wrap: normal; }
h1 { font-size: 1.6rem; line-height: 1.2; margin: .25rem 0 .75rem; }
h2 { font-size: 1.2rem; line-height: 1.3; margin: 1.25rem 0 .5rem; }
h3 { font-size: 1.05rem; margin: 0 0 .25rem; }
p { margin: .5rem 0 .75rem; }
.lead { font-size: 1.15rem; color: var(--text); }
.muted { color: var(--muted); font-size: .92rem; }
.small { font-size: .85rem; }
code, pre { font-family: var(--mono); font-size: .9em; }
pre { white-space: pre-wrap; word-break: break-word; background: var(--surface); padding: 1rem; border-radius: 8px; }

.card { background: var(--surface); border-radius: var(--radius); padding: 1.25rem; box-shadow: 0 1px 3px rgba(0,0,0,.08); margin: 0 0 var(--gap); }
.card > :first-child { margin-top: 0; }
.card > :last-child { margin-bottom: 0; }
.stack > * + * { margin-top: var(--gap); }
.notice { border-left: 4px solid var(--ok); background: var(--ok-soft); padding: .75rem 1rem; border-radius: 8px; }
.warning { border-left: 4px solid var(--danger); background: var(--danger-soft); padding: .75rem 1rem; border-radius: 8px; }
.error { color: var(--danger); font-weight: 600; }

button, .button { font: inherit; font-weight: 600; background: var(--accent); color: var(--accent-text); border: 2px solid var(--accent); border-radius: 8px; padding: .6rem 1.1rem; min-height: 44px; cursor: pointer; text-decoration: none; display: inline-block; line-height: 1.3; }
button:hover, .button:hover { filter: brightness(1.08); }
button.secondary, .button.secondary { background: var(--accent-soft); color: var(--accent); border-color: var(--accent-soft); }
button.danger, .button.danger { background: var(--danger); border-color: var(--danger); color: #fff; }
button.link { background: none; border: 0; color: var(--accent); padding: 0; min-height: 0; font-weight: 400; text-decoration: underline; }
form { margin: 1rem 0; }
form.inline { display: inline; margin: 0; }
label, .label { display: block; margin: .9rem 0 .3rem; font-weight: 600; }
.hint { display: block; font-weight: 400; color: var(--muted); font-size: .88rem; margin-top: .1rem; }
input:not([type]), input[type=email], input[type=text], input[type=date], input[type=search], select {
  font: inherit; width: 100%; padding: .6rem .75rem; border: 1px solid #8a8d91; border-radius: 8px; background: var(--surface); color: var(--text); min-height: 44px;
}
input.code { letter-spacing: .4em; font-family: var(--mono); max-width: 12rem; }
fieldset { border: 1px solid var(--line); border-radius: 8px; padding: .5rem 1rem .9rem; margin: .9rem 0; }
legend { font-weight: 600; padding: 0 .25rem; }
.choice { display: flex; align-items: center; gap: .5rem; font-weight: 400; margin: .35rem 0; min-height: 32px; }
.choice input { width: 1.2rem; height: 1.2rem; margin: 0; flex: none; }
.choices { display: grid; grid-template-columns: 1fr; gap: 0 1rem; }
.row { display: grid; grid-template-columns: 1fr; gap: 0 1rem; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin-top: 1rem; }

.articles { list-style: none; padding: 0; margin: 0; }
.article { background: var(--surface); border-radius: var(--radius); padding: 1rem 1.1rem; margin: 0 0 .75rem; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
.article h2, .article h3 { font-size: 1.1rem; margin: 0 0 .3rem; }
.article h2 a, .article h3 a { text-decoration: none; }
.article h2 a:hover, .article h3 a:hover { text-decoration: underline; }
.article p { margin: .25rem 0; }
.meta { color: var(--muted); font-size: .88rem; }
.article .actions { margin-top: .5rem; font-size: .9rem; gap: .25rem 1rem; }
.list { list-style: none; padding: 0; margin: 0; }
.list li { display: flex; justify-content: space-between; gap: 1rem; align-items: center; padding: .7rem 0; border-bottom: 1px solid var(--line); }
.list li:last-child { border-bottom: 0; }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; padding: .45rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.prose { font-size: 1.1rem; line-height: 1.7; }
.prose p { margin: 0 0 1rem; }
.site-footer { max-width: 44rem; margin: 0 auto; padding: 0 1.25rem 2rem; color: var(--muted); font-size: .85rem; }

@media (min-width: 40rem) {
  h1 { font-size: 2rem; }
  .choices { grid-template-columns: 1fr 1fr; }
  .row { grid-template-columns: 1fr 1fr; }
  .who { width: auto; }
  main { padding-top: 2rem; }
}
`;
