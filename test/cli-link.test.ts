// `npx tidings link`: prints a signed link that the edge app accepts, and refuses bad input by name.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/env';
import { LinkSigner } from '../src/core/links/links';

const env = {
  ...process.env,
  NODE_ENV: 'test',
  PUBLIC_BASE_URL: 'https://tidings.example',
  LINK_SIGNING_KEYS: 'k9:cli-test-secret-cli-test-secret-cli-test',
  LOG_LEVEL: 'silent',
};
const tidings = (...args: string[]) => spawnSync(process.execPath, ['bin/tidings.js', 'link', ...args], { env, encoding: 'utf8' });

describe('tidings link', () => {
  it('prints a signed link of the asked kind under PUBLIC_BASE_URL', async () => {
    const signer = new LinkSigner(loadConfig(env).LINK_SIGNING_KEYS);
    const article = tidings('--url', 'https://news.example/a?b=1', '--subscriber', 'sub_1', '--edition', 'ed_9', '--article', 'art_3');
    expect(article.status, article.stderr).toBe(0);
    const [, token] = /^https:\/\/tidings\.example\/c\/(\S+)\n$/.exec(article.stdout) ?? [];
    expect(await signer.verify(token!)).toMatchObject({
      ok: true,
      payload: { url: 'https://news.example/a?b=1', subscriber: 'sub_1', edition: 'ed_9', article: 'art_3', kind: 'article' },
    });
    const vote = tidings('--url', 'https://news.example/a', '--subscriber', 'sub_1', '--kind', 'vote_up');
    expect(vote.stdout).toMatch(/^https:\/\/tidings\.example\/a\/t1\.k9\./);
  });

  it('refuses a destination that is not http(s), and an unknown kind, naming the option', () => {
    const script = tidings('--url', 'javascript:alert(1)', '--subscriber', 'sub_1');
    expect(script.status).toBe(2);
    expect(script.stderr).toMatch(/--url: link destination must use http or https/);
    const kind = tidings('--url', 'https://news.example/a', '--subscriber', 'sub_1', '--kind', 'click');
    expect(kind.status).toBe(2);
    expect(kind.stderr).toMatch(/--kind must be one of article, vote_up/);
  });
});
