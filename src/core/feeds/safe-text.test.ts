import { describe, expect, it } from 'vitest';
import { htmlToText } from './safe-text';

describe('feed text reduced to safe text', () => {
  it('drops scripts and styles with their content and keeps the words', () => {
    expect(htmlToText('<p>Hello <b>reader</b></p><script>alert(1)</script><style>p{}</style><p>bye</p>')).toBe('Hello reader bye');
  });

  it('decodes entities once, so escaped markup stays visible text and never becomes a tag', () => {
    expect(htmlToText('Use &lt;script&gt; carefully &amp; &#8220;well&#x201d;')).toBe('Use <script> carefully & “well”');
  });

  it('removes control and bidi-override characters and collapses whitespace', () => {
    expect(htmlToText('a\u0000b\u202Ec \n\n\t d')).toBe('abc d');
  });

  it('cuts long text at a word and marks the cut', () => {
    const text = htmlToText('word '.repeat(100), 30);
    expect(text.length).toBeLessThanOrEqual(30);
    expect(text.endsWith('…')).toBe(true);
  });

  it('leaves an unknown entity as written rather than guessing', () => {
    expect(htmlToText('a &bogus; b')).toBe('a &bogus; b');
  });
});

describe('feed text that looks like endless markup', () => {
  // Time grows with the square of the input for a backtracking pattern: 64 KB of "<p" took 17 s.
  // A linear reducer does each in a few milliseconds; one second is a generous bound, far from either.
  it.each(['<p', '<script>', '<a ', '<!--', '<p<script><a <!--'])('reduces 64 KB of unclosed "%s" in well under a second', (unit) => {
    const input = unit.repeat(Math.ceil(65_536 / unit.length));
    const started = performance.now();
    const text = htmlToText(input, 2000);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(text.length).toBeLessThanOrEqual(2000);
  });
});
