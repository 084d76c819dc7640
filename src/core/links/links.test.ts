import { describe, expect, it } from 'vitest';
import { LinkSigner, LinkError, MAX_TOKEN_LENGTH, type LinkPayload } from './links';
import { currentKey, previousKey, storyPayload } from '../../../test/fixtures/link-tokens';

const payload = storyPayload;
const current = currentKey;
const old = previousKey;

describe('link tokens', () => {
  it('round-trips a payload', async () => {
    const signer = new LinkSigner([current]);
    const token = await signer.sign(payload);
    expect(token).toMatch(/^t1\.k2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(await signer.verify(token)).toEqual({ ok: true, payload, keyId: 'k2' });
  });

  it('refuses a token whose signature or payload was altered', async () => {
    const signer = new LinkSigner([current]);
    const token = await signer.sign(payload);
    for (let i = 0; i < token.length; i++) {
      const c = token[i] === 'A' ? 'B' : 'A';
      const altered = token.slice(0, i) + c + token.slice(i + 1);
      const result = await signer.verify(altered);
      expect(result.ok, `byte ${i}`).toBe(false);
    }
  });

  it('verifies links signed with a retiring key while the new key signs', async () => {
    const before = new LinkSigner([old]);
    const token = await before.sign(payload);
    const rotated = new LinkSigner([current, old]);
    expect((await rotated.verify(token)).ok).toBe(true);
    expect(await rotated.sign(payload)).toMatch(/^t1\.k2\./);
    expect(await new LinkSigner([current]).verify(token)).toEqual({ ok: false, reason: 'unknown_key' });
  });

  it('refuses tokens that are too long or not made of four parts', async () => {
    const signer = new LinkSigner([current]);
    expect(await signer.verify('x'.repeat(MAX_TOKEN_LENGTH + 1))).toEqual({ ok: false, reason: 'too_long' });
    expect(await signer.verify('t1.k2.abc')).toEqual({ ok: false, reason: 'malformed' });
    expect(await signer.verify('')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses to make a token longer than verification accepts', async () => {
    const long = { ...payload, url: `https://news.example/${'x'.repeat(MAX_TOKEN_LENGTH)}` };
    await expect(new LinkSigner([current]).sign(long)).rejects.toThrow(/over the 2048 limit/);
  });

  it.each(['javascript:alert(1)', 'data:text/html,x', '/inbox', 'mailto:a@b.c'])('refuses to make a link to %s', async (url) => {
    await expect(new LinkSigner([current]).sign({ ...payload, url })).rejects.toThrow(LinkError);
  });
});

describe('token bytes', () => {
  it('stay what earlier releases signed (links already in inboxes keep working, re-signed archives match)', async () => {
    const signer = new LinkSigner([{ id: 'k1', secret: 'golden-secret-for-a-fixed-token' }]);
    expect(
      await signer.sign({
        url: 'https://news.example/ü/a b?x=1&y=é',
        subscriber: 'sub_1',
        edition: 'morning-2026-11-23',
        article: 'art_1',
        position: 3,
        kind: 'vote_up',
        sent_at: 1795172400,
      }),
    ).toBe(
      't1.k1.eyJ1IjoiaHR0cHM6Ly9uZXdzLmV4YW1wbGUvJUMzJUJDL2ElMjBiP3g9MSZ5PSVDMyVBOSIsInMiOiJzdWJfMSIsImUiOiJtb3JuaW5nLTIwMjYtMTEtMjMiLCJrIjoidm90ZV91cCIsImEiOiJhcnRfMSIsInAiOjMsInQiOjE3OTUxNzI0MDB9.t5eiEYTtwZi0OlRcigimTQ',
    );
    expect(
      await signer.sign({
        url: 'https://news.example/p',
        subscriber: 'sub_ü',
        edition: 'e',
        article: null,
        position: null,
        kind: 'unsubscribe',
        sent_at: null,
      }),
    ).toBe(
      't1.k1.eyJ1IjoiaHR0cHM6Ly9uZXdzLmV4YW1wbGUvcCIsInMiOiJzdWJfXHUwMGZjIiwiZSI6ImUiLCJrIjoidW5zdWJzY3JpYmUifQ.4MQkNrJVY27OslxFfQtQ4A',
    );
  });
});
