// Render a React Email element to the HTML and plain-text parts of a message.
import { render } from '@react-email/components';
import { toPlainText } from '@react-email/render';
import type { ReactElement } from 'react';

export interface RenderedEmail {
  html: string;
  text: string;
  /**
   * The html in pieces whose concatenation is `html`, alternating a template's literal (even positions, the same
   * strings for every reader) and a reader's value (odd positions): what lets a batch request be written without
   * re-encoding the shared markup (workers/mail/json-bytes.ts). Only the fast briefing renderer gives it.
   */
  htmlSegments?: readonly string[];
}

/** The whole template through React Email: HTML, and the plain text React Email derives from that same HTML. */
export async function renderEmail(element: ReactElement): Promise<RenderedEmail> {
  const html = await render(element);
  // render(…, { plainText: true }) renders the tree a second time only to convert it; converting the HTML we have is the same text.
  return { html, text: toPlainText(html) };
}
