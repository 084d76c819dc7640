// Feed text made safe to show: markup removed, entities decoded, control characters and runs of space collapsed.
import { Tokenizer } from 'htmlparser2';

// Elements whose content is never reader text (code, styling, embedded documents).
const DROP_WITH_CONTENT = new Set(['script', 'style', 'noscript', 'iframe', 'object', 'template', 'svg', 'math']);
// Elements that separate words: removing them must leave a space, or "<p>a</p><p>b</p>" reads "ab".
const BLOCK = new Set([
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'tr',
  'td',
  'th',
  'section',
  'article',
  'header',
  'footer',
]);
// C0 controls except tab and newline, DEL, C1 controls, and bidirectional overrides that can disguise text.
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/**
 * Reduce HTML (or text that may hold HTML) to plain text: scripts and styles go with their content,
 * other tags go, entities are decoded once (so "&lt;script&gt;" stays visible text, never markup),
 * whitespace collapses. The result is text; templates escape it when they render.
 *
 * A tokenizer (htmlparser2's, a single pass) reads the input, so the time taken grows with its length
 * only: feeds are written by strangers, and backtracking patterns over "<p<p<p…" took seconds per 100 KB.
 */
export function htmlToText(input: string, maxLength = Infinity): string {
  const parts: string[] = [];
  // Each piece is cleaned as it comes, so what is kept is (nearly) what is returned: once there is
  // enough for maxLength the tokenizer stops, and a megabyte of markup never becomes a megabyte of parts.
  const budget = Number.isFinite(maxLength) ? maxLength * 2 + 64 : Infinity;
  let collected = 0;
  let endsInSpace = true;
  // A count, not a stack of open elements: htmlparser2's Parser keeps one with O(n) inserts, which
  // made deeply nested markup ("<p><a>" × 100,000) quadratic again; the Tokenizer alone is one pass.
  let dropDepth = 0;
  const keep = (raw: string) => {
    if (dropDepth > 0) return;
    const text = raw.replace(CONTROLS, '').replace(/\s+/g, ' ');
    if (text === '' || (text === ' ' && endsInSpace)) return;
    parts.push(text);
    endsInSpace = text.endsWith(' ');
    collected += text.length;
    if (collected > budget) tokenizer.pause();
  };
  const tagName = (start: number, end: number) => input.slice(start, Math.min(end, start + 16)).toLowerCase();
  const ignore = () => {};
  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      onopentagname(start, end) {
        const name = tagName(start, end);
        if (DROP_WITH_CONTENT.has(name)) dropDepth++;
        else if (BLOCK.has(name)) keep(' ');
      },
      onclosetag(start, end) {
        const name = tagName(start, end);
        if (DROP_WITH_CONTENT.has(name)) dropDepth = Math.max(0, dropDepth - 1);
        else if (BLOCK.has(name)) keep(' ');
      },
      ontext: (start, end) => keep(input.slice(start, end)),
      ontextentity: (codepoint) => keep(String.fromCodePoint(codepoint)),
      // CDATA sections are text in feeds (the old reducer kept their content), never decoded twice.
      oncdata: (start, end, endOffset) => keep(input.slice(start, end - endOffset)),
      // Comments, declarations, processing instructions and attributes are never reader text.
      oncomment: ignore,
      ondeclaration: ignore,
      onprocessinginstruction: ignore,
      onattribname: ignore,
      onattribdata: ignore,
      onattribentity: ignore,
      onattribend: ignore,
      onopentagend: ignore,
      onselfclosingtag: ignore,
      onend: ignore,
    },
  );
  tokenizer.write(input);
  tokenizer.end();
  const text = parts.join('').replace(/\s+/g, ' ').trim();
  if (text.length <= maxLength) return text;
  const cut = text.slice(0, Math.max(0, maxLength - 1));
  const space = cut.lastIndexOf(' ');
  return `${space > maxLength * 0.6 ? cut.slice(0, space) : cut}…`;
}
