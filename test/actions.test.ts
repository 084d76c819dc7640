// Reader actions from an email: GET shows one button and changes nothing; the POST acts once, with
// undo; RFC 8058 one-click unsubscribe acts at once with a 200 and no redirect.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LinkKind } from '../src/core/links/links';
import { recentEvents } from '../src/store/events';
import { ensureSubscriber, getSubscriber } from '../src/store/subscribers';
import { actionKinds } from '../src/store/reader-actions';
import { saveArticles } from '../src/store/articles';
import { deleteAccount } from '../src/store/accounts';
import { topicArticle } from './fixtures/topic-article';
import { testEnv, type TestEnv } from './helpers';
import { browserAgent, linkPayload, linksApp } from './links-helpers';
import { countEvents } from '../src/store/events';

let t: TestEnv;
let app: ReturnType<typeof linksApp>['app'];
let recorder: ReturnType<typeof linksApp>['recorder'];
let subscriberId: string;

beforeEach(async () => {
  t = testEnv();
  ({ app, recorder } = linksApp(t));
  subscriberId = (await ensureSubscriber(t.db, { email: 'reader@example.com' }, t.now())).subscriber.id;
});
afterEach(async () => {
  await recorder.flush();
  await t.cleanup();
});

const origin = () => new URL(t.config.PUBLIC_BASE_URL).origin;
const actionPath = async (kind: LinkKind) =>
  `/a/${await t.signer.sign(linkPayload(t, { kind, subscriber: subscriberId, url: kind === 'unsubscribe' ? t.config.PUBLIC_BASE_URL : 'https://news.example/story?id=7' }))}`;
const press = (path: string, verb: 'apply' | 'undo' = 'apply', headers: Record<string, string> = { origin: origin() }) =>
  app.request(path, {
    method: 'POST',
    body: new URLSearchParams({ do: verb }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': browserAgent, ...headers },
  });

/** Everything a GET could have changed: the subscriber, the action state, the stream. */
async function snapshot() {
  await recorder.flush();
  const actions = await t.db.redis.hgetall(t.db.keys.readerActions(subscriberId));
  return { subscriber: await getSubscriber(t.db, subscriberId), actions, events: await countEvents(t.db) };
}

describe('reader action pages', () => {
  it('name the story by its title and site, say when the action is already done, and whose briefings an unsubscribe stops', async () => {
    await saveArticles(t.db, [
      { ...topicArticle('art_1', 'rust', 'field-notes'), url: 'https://news.example/story?id=7', title: 'Rust in the kernel' },
    ]);
    const save = await actionPath('bookmark');
    expect(await (await app.request(save)).text()).toMatch(
      /<h1>Save this story for later\?<\/h1><p class="muted">Rust in the kernel \(news\.example\)<\/p>/,
    );
    await press(save);
    expect(await (await app.request(save)).text()).toContain('<h1>Saved for later</h1>');
    expect(await (await app.request(await actionPath('unsubscribe'))).text()).toContain('Briefings to r•••@example.com');
  });

  it("answer 404 for a deleted reader's link and store nothing, also when its button is pressed", async () => {
    const save = await actionPath('bookmark');
    await deleteAccount(t.db, 'reader@example.com', await getSubscriber(t.db, subscriberId), t.now());
    const page = await app.request(save);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('This subscription no longer exists');
    expect((await press(save)).status).toBe(404);
    expect(await t.db.redis.hgetall(t.db.keys.readerActions(subscriberId))).toEqual({});
  });

  it.each(actionKinds)('GET and HEAD of a %s link show a one-button form and change nothing', async (kind) => {
    const path = await actionPath(kind);
    const before = await snapshot();
    const page = await app.request(path, { headers: { 'user-agent': 'Mozilla/5.0 (compatible; Mimecast-URL-Protect/1.0)' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html.match(/<form method="post" action="([^"]+)"/)?.[1]).toBe(path);
    expect(html.match(/<button/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script/);
    expect((await app.request(path, { method: 'HEAD' })).status).toBe(200);
    expect(await snapshot()).toEqual(before);
  });

  it.each(['vote_up', 'vote_down', 'bookmark'] as const)(
    'a %s POST acts once, however often it is pressed, and can be undone',
    async (kind) => {
      const path = await actionPath(kind);
      for (let i = 0; i < 3; i++) {
        const response = await press(path);
        expect(response.status).toBe(200);
        expect(await response.text()).toMatch(/<h1>Done<\/h1>.*name="do" value="undo"/s);
      }
      const undone = await press(path, 'undo');
      expect(await undone.text()).toMatch(/<h1>Undone<\/h1>/);
      await press(path, 'undo');
      await recorder.flush();
      const types = (await recentEvents(t.db)).reverse().map((e) => e.type);
      expect(types).toEqual([kind, kind === 'bookmark' ? 'bookmark_removed' : 'vote_cleared']);
      expect(await t.db.redis.hgetall(t.db.keys.readerActions(subscriberId))).toEqual({});
    },
  );

  it('an up-vote after a down-vote replaces it, and undoing the old one leaves the new one', async () => {
    const down = await actionPath('vote_down');
    const up = await actionPath('vote_up');
    await press(down);
    await press(up);
    await press(down, 'undo');
    expect(await t.db.redis.hgetall(t.db.keys.readerActions(subscriberId))).toEqual({ 'vote:art_1': 'up' });
  });

  it('the unsubscribe button unsubscribes, and undo subscribes again', async () => {
    const path = await actionPath('unsubscribe');
    expect(await (await press(path)).text()).toMatch(/You are unsubscribed/);
    expect((await getSubscriber(t.db, subscriberId))!.status).toBe('unsubscribed');
    await press(path);
    await press(path, 'undo');
    expect((await getSubscriber(t.db, subscriberId))!.status).toBe('active');
    await recorder.flush();
    expect((await recentEvents(t.db)).reverse().map((e) => e.type)).toEqual(['unsubscribe', 'resubscribed']);
  });

  it('refuses a form POST from another origin or without one, and changes nothing', async () => {
    const path = await actionPath('unsubscribe');
    const before = await snapshot();
    for (const headers of [{ origin: 'https://evil.example' }, {} as Record<string, string>]) {
      const response = await press(path, 'apply', headers);
      expect(response.status).toBe(403);
      expect(await response.text()).toMatch(/nothing was changed/);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('answers 400 to an altered action token, and to a click token used as an action', async () => {
    const path = await actionPath('bookmark');
    const click = `/a/${await t.signer.sign(linkPayload(t, { subscriber: subscriberId }))}`;
    for (const bad of [path.slice(0, -2) + 'AA', click]) {
      expect((await app.request(bad)).status).toBe(400);
      expect((await press(bad)).status).toBe(400);
    }
  });
});

describe('RFC 8058 one-click unsubscribe', () => {
  const oneClick = (path: string, body: BodyInit, type = 'application/x-www-form-urlencoded') =>
    app.request(path, { method: 'POST', body, headers: { 'content-type': type } });

  it('a POST of List-Unsubscribe=One-Click, without cookies or Origin, unsubscribes at once with a 200 and no redirect', async () => {
    const path = await actionPath('unsubscribe');
    const response = await oneClick(path, 'List-Unsubscribe=One-Click');
    expect(response.status).toBe(200);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('set-cookie')).toBeNull();
    expect((await getSubscriber(t.db, subscriberId))!.status).toBe('unsubscribed');
    expect((await oneClick(path, 'List-Unsubscribe=One-Click')).status).toBe(200); // again: still 200, no second event
    await recorder.flush();
    expect((await recentEvents(t.db)).map((e) => e.type)).toEqual(['unsubscribe']);
  });

  it('accepts the same body as multipart/form-data', async () => {
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    const response = await app.request(await actionPath('unsubscribe'), { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect((await getSubscriber(t.db, subscriberId))!.status).toBe('unsubscribed');
  });

  it("does not act on any other body without the page's Origin", async () => {
    const path = await actionPath('unsubscribe');
    expect((await oneClick(path, 'List-Unsubscribe=Yes')).status).toBe(403);
    expect((await oneClick(path, '')).status).toBe(403);
    expect((await getSubscriber(t.db, subscriberId))!.status).toBe('active');
  });

  it('does not let a one-click body vote or bookmark', async () => {
    const path = await actionPath('vote_up');
    expect((await oneClick(path, 'List-Unsubscribe=One-Click')).status).toBe(403);
    expect(await t.db.redis.hgetall(t.db.keys.readerActions(subscriberId))).toEqual({});
  });
});
