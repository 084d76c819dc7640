// Feed text made safe to show: markup removed, entities decoded, control characters and runs of space collapsed.

const DROP_WITH_CONTENT = /<(script|style|noscript|iframe|object|template|svg|math)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const COMMENTS = /<!--[\s\S]*?-->|<!\[CDATA\[|\]\]>/g;
const BLOCK_BREAKS = /<\/?(p|div|br|li|ul|ol|h[1-6]|blockquote|pre|tr|td|th|section|article|header|footer)\b[^>]*>/gi;
const TAGS = /<\/?[A-Za-z][^>]*>/g;
// C0 controls except tab and newline, DEL, C1 controls, and bidirectional overrides that can disguise text.
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', hellip: '…', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', copy: '©', reg: '®', trade: '™' };

/** Decode the HTML entities feeds use; unknown names are left as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '';
    }
    return NAMED[name.toLowerCase()] ?? whole;
  });
}

/**
 * Reduce HTML (or text that may hold HTML) to plain text: scripts and styles go with their content,
 * other tags go, entities are decoded once (so "&lt;script&gt;" stays visible text, never markup),
 * whitespace collapses. The result is text; templates escape it when they render.
 */
export function htmlToText(input: string, maxLength = Infinity): string {
  const text = decodeEntities(input.replace(COMMENTS, ' ').replace(DROP_WITH_CONTENT, ' ').replace(BLOCK_BREAKS, ' ').replace(TAGS, ''))
    .replace(CONTROLS, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length <= maxLength) return text;
  const cut = text.slice(0, Math.max(0, maxLength - 1));
  const space = cut.lastIndexOf(' ');
  return `${space > maxLength * 0.6 ? cut.slice(0, space) : cut}…`;
}
