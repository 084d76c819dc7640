// Automated-click detection, in one place: which clicks look like a mail scanner rather than a person.
// Flagged clicks are kept with their reasons and never teach the interest profile.

/**
 * User agents of link scanners, security gateways, headless browsers and link-preview bots.
 * Scanners that pose as an ordinary browser are caught by the timing, burst and honeypot rules instead.
 */
export const scannerAgents: readonly { name: string; pattern: RegExp }[] = [
  {
    name: 'microsoft-safe-links',
    pattern:
      /safelinks|microsoft defender|defender for office|ms-office|microsoft office (existence|protocol|word|excel|outlook)|bingpreview/i,
  },
  { name: 'mimecast', pattern: /mimecast/i },
  { name: 'proofpoint', pattern: /proofpoint|ppsecure/i },
  { name: 'barracuda', pattern: /barracuda/i },
  {
    name: 'other-mail-gateway',
    pattern:
      /ironport|cisco.*email|symantec|broadcom|forcepoint|trend ?micro|sophos|fireeye|trellix|zscaler|fortinet|fortiguard|checkpoint|check point|avanan|abnormal ?security|vade|hornet ?security|spamtitan|messagelabs/i,
  },
  { name: 'headless-browser', pattern: /headlesschrome|phantomjs|puppeteer|playwright|selenium|webdriver|electron\/.*headless/i },
  {
    name: 'http-library',
    pattern:
      /^(curl|wget|python-requests|python-urllib|aiohttp|go-http-client|java\/|okhttp|apache-httpclient|libwww-perl|node-fetch|axios|undici|got |scrapy|httpx)/i,
  },
  {
    name: 'link-preview',
    pattern:
      /slackbot|slack-imgproxy|facebookexternalhit|facebookcatalog|twitterbot|linkedinbot|whatsapp|telegrambot|discordbot|skypeuripreview|iframely|embedly|pinterestbot|redditbot|applebot|googlebot|google-inspectiontool|bingbot|yandex|duckduckbot|baiduspider|petalbot|semrush|ahrefs|mj12bot/i,
  },
  { name: 'generic-bot', pattern: /\b(bot|crawler|spider|scanner|preview|monitor|validator|checker)\b/i },
];

// Readers share a few hundred distinct user agents, so each is matched against the list once.
const agentVerdicts = new Map<string, string | null>();
const AGENT_CACHE_SIZE = 1000;

function scannerFor(agent: string): string | null {
  let verdict = agentVerdicts.get(agent);
  if (verdict === undefined) {
    verdict = scannerAgents.find((s) => s.pattern.test(agent))?.name ?? null;
    if (agentVerdicts.size >= AGENT_CACHE_SIZE) agentVerdicts.clear();
    agentVerdicts.set(agent, verdict);
  }
  return verdict;
}

/** The rules' thresholds, kept here so every caller judges clicks the same way. */
export interface BotRules {
  /** A click sooner than this after the email was sent is a scanner: people need longer to open and read. */
  minSecondsAfterSend: number;
  /** This many distinct links of one email clicked within `burstSeconds` of each other is a burst. */
  burstLinks: number;
  burstSeconds: number;
  /** A honeypot hit flags the recipient's clicks of that edition this long before and after it. */
  honeypotWindowSeconds: number;
}

export const defaultBotRules: BotRules = {
  minSecondsAfterSend: 10,
  burstLinks: 4,
  burstSeconds: 5,
  honeypotWindowSeconds: 600,
};

/**
 * How long after a click something can still flag it: a burst or a honeypot hit of the same email may
 * come up to this long after it. Nothing learns from a click sooner (workers/learn-events.ts).
 */
export const clickSettleMs = (rules: BotRules = defaultBotRules) => Math.max(rules.burstSeconds, rules.honeypotWindowSeconds) * 1000;

/** Reasons a click is flagged; stored in ReaderEvent.bot_reasons. */
export const botReasons = {
  head: 'head_request',
  noUserAgent: 'no_user_agent',
  scanner: (name: string) => `scanner_user_agent:${name}`,
  tooSoon: 'too_soon_after_send',
  burst: 'burst_of_links',
  honeypot: 'honeypot',
} as const;

export interface RequestSignals {
  method: string;
  userAgent: string | null;
  secondsSinceSend: number | null;
  /** The link was the hidden honeypot: no person can see it, so the click flags itself at once. */
  honeypot?: boolean;
}

/** The signals one request carries by itself (decided when the click is answered, with no lookup). */
export function requestBotReasons(signals: RequestSignals, rules: BotRules = defaultBotRules): string[] {
  const reasons: string[] = [];
  if (signals.method === 'HEAD') reasons.push(botReasons.head);
  const agent = signals.userAgent?.trim() ?? '';
  if (agent === '') reasons.push(botReasons.noUserAgent);
  else {
    const scanner = scannerFor(agent);
    if (scanner) reasons.push(botReasons.scanner(scanner));
  }
  if (signals.secondsSinceSend !== null && signals.secondsSinceSend < rules.minSecondsAfterSend) reasons.push(botReasons.tooSoon);
  if (signals.honeypot) reasons.push(botReasons.honeypot);
  return reasons;
}

/**
 * What the other clicks of the same (subscriber, edition) say about a click at time `atMs`:
 * `marks` are the moments a burst was seen and the honeypot was hit (see store/click-window.ts).
 */
export function windowBotReasons(atMs: number, marks: EditionMarks, rules: BotRules = defaultBotRules): string[] {
  const reasons: string[] = [];
  const burstMs = rules.burstSeconds * 1000;
  if (marks.bursts.some((t) => Math.abs(t - atMs) <= burstMs)) reasons.push(botReasons.burst);
  const honeypotMs = rules.honeypotWindowSeconds * 1000;
  if (marks.honeypots.some((t) => Math.abs(t - atMs) <= honeypotMs)) reasons.push(botReasons.honeypot);
  return reasons;
}

/** Moments (Unix ms) at which one recipient's clicks of one edition looked automated. */
export interface EditionMarks {
  /** Clicks at which `burstLinks` distinct links fell within `burstSeconds` of each other. */
  bursts: number[];
  /** Clicks on the hidden honeypot link. */
  honeypots: number[];
}

/** Merge reason lists without repeats, keeping the first-seen order. */
export function mergeReasons(...lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())];
}

/** The answer to "is this event automated?" given its own flags and what its edition's window says. */
export function automatedVerdict(
  event: { at: string; bot_reasons: readonly string[] },
  marks: EditionMarks,
  rules: BotRules = defaultBotRules,
): { automated: boolean; reasons: string[] } {
  const reasons = mergeReasons(event.bot_reasons, windowBotReasons(Date.parse(event.at), marks, rules));
  return { automated: reasons.length > 0, reasons };
}
