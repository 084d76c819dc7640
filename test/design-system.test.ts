// The design system as served: the stylesheet reaches the browser unescaped, and every page links it.
import { afterEach, describe, expect, it } from 'vitest';
import { testApp, testEnv, type TestEnv } from './helpers';

let t: TestEnv;
afterEach(() => t.cleanup());

describe('the served design system', () => {
  it('serves the stylesheet as CSS, with quotes and selectors intact (not HTML-escaped)', async () => {
    t = testEnv();
    const { app } = testApp(t);
    const page = await (await app.request('/sign-in')).text();
    const href = /<link rel="stylesheet" href="([^"]+)"/.exec(page)?.[1];
    expect(href).toMatch(/^\/assets\/site\.css\?v=/);
    const css = await app.request(href!.replace(/&amp;/g, '&'));
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const text = await css.text();
    expect(text).toContain('"Segoe UI"');
    expect(text).toContain('.site-nav a[aria-current="page"]');
    expect(text).not.toMatch(/&quot;|&gt;|&lt;|&amp;/);
  });

  it('keeps no escaped style blocks in pages (a <style> with &quot; is dropped by browsers)', async () => {
    t = testEnv();
    const { app } = testApp(t);
    for (const path of ['/', '/sign-in', '/no-such-page']) {
      const html = await (await app.request(path)).text();
      for (const block of html.match(/<style[^>]*>[\s\S]*?<\/style>/g) ?? []) expect(block).not.toMatch(/&quot;|&gt;|&#39;/);
      expect(html).toContain('class="site-header"');
    }
  });

  it('links an icon from every page and answers /favicon.ico, so no browser logs a 404 on first load', async () => {
    t = testEnv();
    const { app } = testApp(t);
    const href = /<link rel="icon" href="([^"]+)" type="image\/svg\+xml"\/>/.exec(await (await app.request('/sign-in')).text())?.[1];
    for (const path of [href!.replace(/&amp;/g, '&'), '/favicon.ico']) {
      const icon = await app.request(path);
      expect(icon.status, path).toBe(200);
      expect(icon.headers.get('content-type')).toBe('image/svg+xml');
      expect(await icon.text()).toMatch(/^<svg /);
    }
  });
});
