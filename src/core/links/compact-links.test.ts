import { describe, expect, it } from 'vitest';
import { briefingHandle, signCompact, verifyCompact } from './compact-links';
import { LinkSigner } from './links';

const signer = new LinkSigner([
  { id: 'k2', secret: 'second-secret-second-secret-0000' },
  { id: 'k1', secret: 'first-secret-first-secret-000000' },
]);

describe('compact links', () => {
  it('signs a short token that names a briefing and a place in it, and reads it back', async () => {
    const handle = await briefingHandle('morning-2026-12-01', 'sub_abc');
    expect(handle).toMatch(/^[\w-]{12}$/);
    expect(await briefingHandle('morning-2026-12-01', 'sub_abc')).toBe(handle);
    expect(await briefingHandle('morning-2026-12-02', 'sub_abc')).not.toBe(handle);
    for (const slot of [
      { kind: 'article', position: 0 },
      { kind: 'article', position: 49 },
      { kind: 'latest' },
      { kind: 'preferences' },
      { kind: 'unsubscribe' },
      { kind: 'view' },
    ] as const) {
      const token = await signCompact(signer, { handle, slot });
      expect(token.length).toBeLessThanOrEqual(45);
      expect(await verifyCompact(signer, token)).toEqual({ handle, slot });
    }
  });

  it('refuses a token whose handle, place or tag was altered, or whose key is unknown', async () => {
    const handle = await briefingHandle('ed', 'sub');
    const token = await signCompact(signer, { handle, slot: { kind: 'article', position: 3 } });
    const [key, h, place, tag] = token.split('.') as [string, string, string, string];
    const other = await briefingHandle('ed', 'someone-else');
    for (const bad of [
      `${key}.${other}.${place}.${tag}`,
      `${key}.${h}.4.${tag}`,
      `${key}.${h}.P.${tag}`,
      `${key}.${h}.${place}.${tag.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`,
      `k9.${h}.${place}.${tag}`,
      `${key}.${h}.03.${tag}`,
      token + '.x',
      '',
      'x'.repeat(5000),
    ]) {
      expect(await verifyCompact(signer, bad), bad).toBeNull();
    }
    // A token of the older key still opens after rotation (the first key signs, every key verifies).
    const rotated = new LinkSigner([
      { id: 'k3', secret: 'third-secret-third-secret-000000' },
      { id: 'k2', secret: 'second-secret-second-secret-0000' },
    ]);
    expect(await verifyCompact(rotated, token)).toEqual({ handle, slot: { kind: 'article', position: 3 } });
  });
});
