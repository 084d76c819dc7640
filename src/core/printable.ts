// Text from outside made safe to print in a terminal or a message: controls escaped, length bounded.

// C0 and C1 controls, DEL and bidirectional overrides: printed raw they move the cursor, recolour or
// reorder what an operator reads.
const UNPRINTABLE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** Escape control characters as \\uXXXX and cut to `max` characters, saying how long the original was. */
export function printable(text: string, max = Infinity): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  const escaped = cut.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.length > max ? `${escaped}… (${text.length} characters)` : escaped;
}
