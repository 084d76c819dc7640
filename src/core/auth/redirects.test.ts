import { describe, expect, it } from 'vitest';
import { checkRedirect, globToRegExp, originAllowed, safeNext } from './redirects';

const policy = { baseUrl: 'https://tidings.example.com', patterns: ['https://*.example.org/**', 'http://localhost:3000/auth/callback'] };

describe('redirect_to allow-list', () => {
  it('allows this site and configured patterns', () => {
    expect(checkRedirect('https://tidings.example.com/auth/confirm?next=%2Fx', policy)).toEqual({
      ok: true,
      url: 'https://tidings.example.com/auth/confirm?next=%2Fx',
    });
    expect(checkRedirect('https://app.example.org/cb?x=1', policy).ok).toBe(true);
    expect(checkRedirect('http://localhost:3000/auth/callback', policy).ok).toBe(true);
  });

  it('refuses everything else with a reason, never a replacement', () => {
    for (const bad of [
      'https://evil.example/',
      'https://a.b.example.org/cb',
      'https://example.org.evil.com/',
      'javascript:alert(1)',
      '/relative',
      'https://user:pw@tidings.example.com/',
      'http://localhost:3000/auth/callback/x',
    ]) {
      const result = checkRedirect(bad, policy);
      expect(result.ok, bad).toBe(false);
      if (!result.ok) expect(result.reason.length).toBeGreaterThan(5);
    }
  });

  it('reads globs like Supabase: * stays inside a label or segment, ** crosses them', () => {
    expect(globToRegExp('https://*.x.com/*').test('https://a.x.com/p')).toBe(true);
    expect(globToRegExp('https://*.x.com/*').test('https://a.b.x.com/p')).toBe(false);
    expect(globToRegExp('https://*.x.com/*').test('https://a.x.com/p/q')).toBe(false);
    expect(globToRegExp('https://x.com/**').test('https://x.com/p/q?r=1')).toBe(true);
  });
});

describe('next', () => {
  it('keeps same-origin paths and refuses anything that could leave the site', () => {
    expect(safeNext('/account?tab=1#top', policy.baseUrl)).toBe('/account?tab=1#top');
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'evil', '/\u0000x', '', undefined]) {
      expect(safeNext(bad, policy.baseUrl), String(bad)).toBeNull();
    }
  });

  it('refuses paths that only become another host once normalised (dot segments before a double slash)', () => {
    for (const bad of [
      '/.//evil.com',
      '/..//evil.com',
      '/a/..//evil.com',
      '/a/b/../..//evil.com',
      '/%2e//evil.com',
      '/.%2e//evil.com',
      '/./\\evil.com',
    ]) {
      expect(safeNext(bad, policy.baseUrl), bad).toBeNull();
    }
    // Dot segments that stay on the site are fine, and come back normalised.
    expect(safeNext('/a/../account', policy.baseUrl)).toBe('/account');
    expect(safeNext('/./account//x', policy.baseUrl)).toBe('/account//x');
  });
});

describe('CORS origins', () => {
  it('allows this site and origins the allow-list covers, nothing else', () => {
    expect(originAllowed('https://tidings.example.com', policy)).toBe(true);
    expect(originAllowed('https://app.example.org', policy)).toBe(true);
    expect(originAllowed('http://localhost:3000', policy)).toBe(true);
    expect(originAllowed('https://evil.example', policy)).toBe(false);
    expect(originAllowed('null', policy)).toBe(false);
  });
});
