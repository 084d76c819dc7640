import { describe, expect, it } from 'vitest';
import { automatedVerdict, botReasons, defaultBotRules, requestBotReasons, windowBotReasons } from './bots';

const chrome =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

describe('automated-click rules', () => {
  it('takes a phone browser a minute after sending for a person', () => {
    expect(requestBotReasons({ method: 'GET', userAgent: chrome, secondsSinceSend: 60 })).toEqual([]);
  });

  it('flags HEAD requests', () => {
    expect(requestBotReasons({ method: 'HEAD', userAgent: chrome, secondsSinceSend: 60 })).toEqual([botReasons.head]);
  });

  it.each([
    ['Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0; BingPreview/1.0b)', 'microsoft-safe-links'],
    ['Mimecast-URL-Protect/1.0', 'mimecast'],
    ['Proofpoint URL Defense', 'proofpoint'],
    ['Barracuda Sentinel (EE)', 'barracuda'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36', 'headless-browser'],
    ['Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', 'link-preview'],
    ['facebookexternalhit/1.1', 'link-preview'],
    ['python-requests/2.32.3', 'http-library'],
    ['curl/8.5.0', 'http-library'],
  ])('flags the scanner agent %s', (userAgent, name) => {
    expect(requestBotReasons({ method: 'GET', userAgent, secondsSinceSend: 3600 })).toEqual([botReasons.scanner(name)]);
  });

  it('flags a request without a user agent', () => {
    expect(requestBotReasons({ method: 'GET', userAgent: null, secondsSinceSend: 3600 })).toEqual([botReasons.noUserAgent]);
  });

  it('flags a click sooner after sending than a person could read the email', () => {
    expect(requestBotReasons({ method: 'GET', userAgent: chrome, secondsSinceSend: defaultBotRules.minSecondsAfterSend - 1 })).toEqual([
      botReasons.tooSoon,
    ]);
    expect(requestBotReasons({ method: 'GET', userAgent: chrome, secondsSinceSend: defaultBotRules.minSecondsAfterSend })).toEqual([]);
    expect(requestBotReasons({ method: 'GET', userAgent: chrome, secondsSinceSend: null })).toEqual([]);
  });

  it('flags clicks near a burst or a honeypot hit of the same edition, and not those far from it', () => {
    const t = Date.parse('2026-11-21T08:00:00Z');
    const marks = { bursts: [t], honeypots: [t + 60_000] };
    expect(windowBotReasons(t - 2000, marks)).toEqual([botReasons.burst, botReasons.honeypot]);
    expect(windowBotReasons(t + 30_000, marks)).toEqual([botReasons.honeypot]);
    expect(windowBotReasons(t + 60_000 + defaultBotRules.honeypotWindowSeconds * 1000 + 1, marks)).toEqual([]);
  });

  it('answers "is this automated" from the event and its edition marks together', () => {
    const at = '2026-11-21T08:00:00.000Z';
    expect(automatedVerdict({ at, bot_reasons: [] }, { bursts: [], honeypots: [] })).toEqual({ automated: false, reasons: [] });
    expect(automatedVerdict({ at, bot_reasons: [botReasons.head] }, { bursts: [Date.parse(at)], honeypots: [] })).toEqual({
      automated: true,
      reasons: [botReasons.head, botReasons.burst],
    });
  });
});
