// The operator's page for one reader: their interest profile in words, decayed to now, the way the reader's
// own preferences page shows it; never raw feature keys.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Subscriber } from '../src/contracts';
import { articleFeatures, buildCorpus } from '../src/core/interest/article-features';
import { applySignal, emptyProfile, type Profile } from '../src/core/interest/interest-profile';
import { saveArticles } from '../src/store/articles';
import { saveSource } from '../src/store/sources';
import { ensureSubscriber } from '../src/store/subscribers';
import { topicArticle } from './fixtures/articles';
import { testApp, testEnv, type TestEnv } from './helpers';

let t: TestEnv;
let app: ReturnType<typeof testApp>['app'];
let cookie: string;
let reader: Subscriber;

const articles = [
  topicArticle('r1', 'rust', 'field-notes'),
  topicArticle('r2', 'rust', 'field-notes'),
  topicArticle('g1', 'gardening', 'the-wire'),
];
const settings = { halfLifeDays: 21, maxFeatures: 256 };

/** A profile taught by two clicks on rust pieces and a vote down on gardening, `ageDays` ago. */
function learnedProfile(ageDays: number): Profile {
  const corpus = buildCorpus(articles);
  const at = t.now().getTime() - ageDays * 86_400_000;
  let profile = emptyProfile();
  for (const [a, signal] of [
    [articles[0]!, 'click'],
    [articles[1]!, 'click'],
    [articles[2]!, 'vote_down'],
  ] as const)
    profile = applySignal(profile, a.id, articleFeatures(a, corpus), signal, at, settings).profile;
  return profile;
}

async function subscriberPage(): Promise<string> {
  const response = await app.request(`/ops/subscribers/${reader.id}`, { headers: { cookie } });
  expect(response.status).toBe(200);
  return response.text();
}

beforeEach(async () => {
  t = testEnv({ INTEREST_HALF_LIFE_DAYS: '21' });
  app = testApp(t).app;
  reader = (await ensureSubscriber(t.db, { email: 'reader@example.com', topics: [] }, t.now())).subscriber;
  await saveArticles(t.db, articles);
  await saveSource(t.db, {
    id: 'field-notes',
    url: 'sample:field-notes.atom',
    title: 'Field Notes on Reading',
    default_content_type: null,
    added_at: t.now().toISOString(),
  });
  const login = await app.request('/ops/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://tidings.test' },
    body: new URLSearchParams({ token: t.config.OPERATOR_TOKEN, next: '/ops' }).toString(),
  });
  cookie = login.headers.get('set-cookie')!.split(';')[0]!;
});
afterEach(() => t.cleanup());

describe("an operator reading one reader's profile", () => {
  it('says what was learned by kind and in words, sources by title, dislikes apart', async () => {
    await t.db.redis.set(t.db.keys.profile(reader.id), JSON.stringify(learnedProfile(0)));
    const html = await subscriberPage();
    const row = (label: string) => new RegExp(`<th scope="row">${label}</th><td class="wrap">([^<]*)</td>`).exec(html)?.[1] ?? '';
    expect(html).toContain('3 signals learned');
    expect(row('Topics')).toMatch(/^rust \(\d\.\d\d\)/);
    expect(row('Sources')).toMatch(/^Field Notes on Reading \(\d\.\d\d\)/);
    expect(row('Disliked')).toMatch(/gardening \(-\d\.\d\d\)/);
    expect(html).not.toMatch(/[tsa]:(rust|field-notes|gardening)/);
  });

  it('shows weights as of now, so a profile nobody renewed fades, and says when nothing is left to show', async () => {
    const fresh = learnedProfile(0);
    await t.db.redis.set(t.db.keys.profile(reader.id), JSON.stringify(fresh));
    const weightOf = (html: string) => Number(/rust \((\d\.\d\d)\)/.exec(html)?.[1]);
    const now = weightOf(await subscriberPage());
    await t.db.redis.set(t.db.keys.profile(reader.id), JSON.stringify(learnedProfile(21)));
    const halfLifeAgo = weightOf(await subscriberPage());
    expect(halfLifeAgo).toBeCloseTo(now / 2, 1);
    await t.db.redis.set(t.db.keys.profile(reader.id), JSON.stringify(learnedProfile(400)));
    expect(await subscriberPage()).toContain('Everything learned has faded below what is worth showing.');
  });

  it('says nothing was learned for a reader with no profile', async () => {
    expect(await subscriberPage()).toContain('Nothing learned yet');
  });
});
