// Where sign-in may send a person: redirect_to checked against an allow-list, `next` kept on this site.

export type RedirectCheck = { ok: true; url: string } | { ok: false; reason: string };

/**
 * Compile an allow-list glob the way Supabase Auth reads them: `*` and `?` stay within one
 * host label or path segment (they never cross "." or "/"), `**` matches anything.
 */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      out += '.*';
      i++;
    } else if (ch === '*') out += '[^/.]*';
    else if (ch === '?') out += '[^/.]';
    else out += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

export interface RedirectPolicy {
  /** The site's own origin: always allowed. */
  baseUrl: string;
  /** Extra patterns from AUTH_REDIRECT_ALLOW_LIST. */
  patterns: readonly string[];
}

/** Is `value` an absolute http(s) URL on this site or matching a configured pattern? Never silently replaced. */
export function checkRedirect(value: string, policy: RedirectPolicy): RedirectCheck {
  if (value.length > 2048) return { ok: false, reason: 'is longer than 2048 characters' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, reason: 'is not an absolute URL (it must start with https:// or http://)' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: `uses ${url.protocol}, only http(s) is allowed` };
  if (url.username || url.password) return { ok: false, reason: 'carries a user name or password' };
  if (url.origin === new URL(policy.baseUrl).origin) return { ok: true, url: url.href };
  const bare = url.href.split('#')[0]!;
  if (policy.patterns.some((p) => globToRegExp(p).test(bare) || globToRegExp(p).test(url.href))) return { ok: true, url: url.href };
  return {
    ok: false,
    reason: `is not on this site (${new URL(policy.baseUrl).origin}) and matches no pattern in AUTH_REDIRECT_ALLOW_LIST`,
  };
}

/** A same-origin path for `next`, or null for anything that could leave the site. */
export function safeNext(value: string | undefined | null, baseUrl: string): string | null {
  if (!value || value.length > 2048) return null;
  // Only site-relative paths: "//host" and "/\host" are protocol-relative in browsers, control characters hide tricks.
  if (!value.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value, baseUrl);
  } catch {
    return null;
  }
  if (url.origin !== new URL(baseUrl).origin) return null;
  // Judge what is handed back, not what came in: normalising dot segments turns "/.//evil.com" into "//evil.com",
  // which a browser reads as another host.
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (path.startsWith('//') || path.startsWith('/\\')) return null;
  return path;
}

/** May a page at this origin call /auth/v1 from a browser (CORS)? This site, or an origin an allow-list pattern covers. */
export function originAllowed(origin: string, policy: RedirectPolicy): boolean {
  if (!/^https?:\/\/[^/]+$/.test(origin)) return false;
  if (origin === new URL(policy.baseUrl).origin) return true;
  return policy.patterns.some((p) => globToRegExp(p).test(`${origin}/`) || p.startsWith(`${origin}/`));
}
