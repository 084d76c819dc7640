// Shorten feed text for an email: a briefing shows a headline and a taste, and must stay under Gmail's clipping size.
/** What the email shows at most, in characters (code points). Set so 10 maximal articles stay far below 90 KB. */
export const EMAIL_LIMITS = { title: 160, summary: 280, source: 60, reason: 80, reasons: 3 } as const;

/**
 * At most `max` characters, cut at a word boundary when one is near, with an ellipsis. Counts code points so an
 * emoji is never split; clipping clipped text changes nothing.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text; // never more code points than UTF-16 units: nothing to cut (the usual case)
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const head = chars.slice(0, max - 1).join('');
  const space = head.lastIndexOf(' ');
  const cut = space >= head.length * 0.6 ? head.slice(0, space) : head;
  return `${cut.replace(/[\s.,;:!?—–-]+$/u, '')}…`;
}
