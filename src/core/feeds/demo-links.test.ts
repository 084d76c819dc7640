import { describe, expect, it } from 'vitest';
import { pointDemoLinksAt } from './demo-links';

describe('demo feed links', () => {
  it('points every demo host at this instance, article paths kept', () => {
    const body =
      '<link>https://engineering.tidings.example</link><link href="https://notes.tidings.example/bots-click-everything"/> "https://wire.tidings.example/a-b"';
    expect(pointDemoLinksAt(body, 'http://127.0.0.1:8787/')).toBe(
      '<link>http://127.0.0.1:8787/demo/engineering/</link><link href="http://127.0.0.1:8787/demo/notes/bots-click-everything"/> "http://127.0.0.1:8787/demo/wire/a-b"',
    );
  });

  it('leaves other hosts alone', () => {
    expect(pointDemoLinksAt('https://example.com/x https://tidings.example.org/y', 'http://h')).toBe(
      'https://example.com/x https://tidings.example.org/y',
    );
  });
});
