import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { MagicLink } from './magic-link';
import { renderEmail } from './render';

describe('the sign-in email', () => {
  it('carries the button link, the code as a standalone number in the text part, the expiry and "ignore this"', async () => {
    const href =
      'https://tidings.example.com/auth/v1/verify?token=pkce_abc&type=magiclink&redirect_to=https%3A%2F%2Ftidings.example.com%2Fauth%2Fconfirm';
    const { html, text } = await renderEmail(
      createElement(MagicLink, { email: 'reader@example.com', href, code: '042917', expiresInMinutes: 15, isNew: true }),
    );
    expect(html).toContain(href.replace(/&/g, '&amp;'));
    expect(text).toContain(href);
    expect(text).toMatch(/^042917$/m);
    expect(text).toContain('expire in 15 minutes');
    expect(text).toContain("Didn't ask to sign in? You can safely ignore this email");
    expect(text).toContain('Confirm your email and sign in');
  });
});
