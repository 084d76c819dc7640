import { describe, expect, it } from 'vitest';
import { JsonBytes } from './json-bytes';

describe('JsonBytes', () => {
  it('writes the bytes JSON.stringify gives, whether the buffer grows, shrinks or fits', () => {
    const literal = `<td style="padding:0 0 8px">${'·—'.repeat(40)} ‌͏ ${'x'.repeat(200)}</td>`;
    // Bodies of very different sizes in turn: the buffer is sized from the last one, so each way is taken.
    for (const readers of [2, 400, 3, 1, 900, 900]) {
      const values = Array.from({ length: readers }, (_, i) => `reader ${i} "quoted" \\ ${i % 3 === 0 ? 'ünï—😀' : ''}\n`);
      const out = new JsonBytes().raw('[');
      values.forEach((value, i) => {
        if (i > 0) out.raw(',');
        out.templatedString([literal, value, literal.slice(0, 40), value, '']);
      });
      const body = out.raw(']').toBuffer();
      const expected = JSON.stringify(values.map((value) => `${literal}${value}${literal.slice(0, 40)}${value}`));
      expect(body.equals(Buffer.from(expected))).toBe(true);
    }
  });
});
