/** @jsxImportSource react */
// The Briefing email: a reader's ranked articles, each behind a signed, tracked link.
import { Body, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text } from '@react-email/components';
import { shownReasons } from './briefing-text';
import { clip, EMAIL_LIMITS } from './clip';

export interface BriefingItem {
  title: string;
  summary: string;
  source: string;
  /** The signed /c/ link that redirects to the article. */
  href: string;
  /** The short signed /l/ link the plain-text part shows instead (one per article); `href` when absent. */
  textHref?: string;
  reasons: string[];
  /** Vote and bookmark links (each opens a page with one button, so a scanner changes nothing). */
  actions?: { voteUp: string; voteDown: string; bookmark: string };
}

export interface BriefingProps {
  editionLabel: string;
  /** The inbox preview line; the subject and the preview say what is inside. */
  preview: string;
  items: BriefingItem[];
  /** The newest article of content type `post`, or null when there is none. */
  latestPost: { title: string; href: string; textHref?: string } | null;
  /** Links for the footer (preferences, unsubscribe), each signed like every other link. */
  footerLinks: { label: string; href: string }[];
  /** The same footer links in short form, for the plain-text part; `footerLinks` when absent. */
  textLinks?: { label: string; href: string }[];
  /** The signed /v/ link to this very email on the web (works without signing in). */
  viewHref?: string;
  /** A link no person can see or reach by keyboard; only scanners follow it (see src/core/links/bots.ts). */
  honeypotHref?: string;
}

const styles = {
  body: { backgroundColor: '#f6f5f2', fontFamily: 'system-ui, -apple-system, "Segoe UI", sans-serif', color: '#1d1d1f' },
  container: { maxWidth: '600px', margin: '0 auto', padding: '24px 16px' },
  item: { backgroundColor: '#ffffff', borderRadius: '10px', padding: '16px', marginBottom: '12px' },
  title: { fontSize: '18px', lineHeight: '24px', fontWeight: 600, color: '#0b57d0', textDecoration: 'none' },
  summary: { fontSize: '15px', lineHeight: '22px', margin: '8px 0 4px' },
  meta: { fontSize: '13px', color: '#5f6368', margin: '0' },
  footer: { fontSize: '13px', color: '#5f6368' },
  view: { fontSize: '12px', color: '#5f6368', textAlign: 'right', margin: '0 0 8px' },
  // Hidden every way mail clients honour: not displayed, no size, no colour, nothing to select.
  honeypot: {
    display: 'none',
    visibility: 'hidden',
    fontSize: '0px',
    lineHeight: '0px',
    maxHeight: '0px',
    overflow: 'hidden',
    opacity: 0,
    color: 'transparent',
    msoHide: 'all',
  },
} as const;

/** One article's card. Rendered once per edition by the fast path and reused for every reader. */
export function BriefingCard({ item }: { item: BriefingItem }) {
  return (
    <Section style={styles.item}>
      <Link href={item.href} style={styles.title}>
        {clip(item.title, EMAIL_LIMITS.title)}
      </Link>
      {item.summary ? <Text style={styles.summary}>{clip(item.summary, EMAIL_LIMITS.summary)}</Text> : null}
      <Text style={styles.meta}>
        {clip(item.source, EMAIL_LIMITS.source)}
        {item.reasons.length > 0 ? ` · ${shownReasons(item.reasons).join(' · ')}` : ''}
      </Text>
      {item.actions ? (
        <Text style={styles.meta}>
          <Link href={item.actions.voteUp}>More like this</Link>
          {' · '}
          <Link href={item.actions.voteDown}>Fewer like this</Link>
          {' · '}
          <Link href={item.actions.bookmark}>Save for later</Link>
        </Text>
      ) : null}
    </Section>
  );
}

export function Briefing({ editionLabel, preview, items, latestPost, footerLinks, honeypotHref, viewHref }: BriefingProps) {
  return (
    <Html lang="en">
      <Head>
        {/* Phones lay the email out at their own width instead of a zoomed-out desktop page. */}
        <meta name="viewport" content="width=device-width, initial-scale=1" />
      </Head>
      <Preview>{preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          {viewHref ? (
            <Text style={styles.view}>
              <Link href={viewHref}>View in browser</Link>
            </Text>
          ) : null}
          <Heading as="h1" style={{ fontSize: '22px' }}>
            Your Tidings briefing
          </Heading>
          <Text style={styles.meta}>{editionLabel}</Text>
          {items.map((item, index) => (
            <BriefingCard key={index} item={item} />
          ))}
          {latestPost ? (
            <Text style={styles.footer}>
              Latest post: <Link href={latestPost.href}>{clip(latestPost.title, EMAIL_LIMITS.title)}</Link>
            </Text>
          ) : null}
          {honeypotHref ? (
            // aria-hidden and tabIndex -1 keep it from screen readers and the keyboard; data-skip-in-text keeps it out of the text part.
            <a href={honeypotHref} style={styles.honeypot} aria-hidden="true" tabIndex={-1} data-skip-in-text="true">
              &#8203;
            </a>
          ) : null}
          <Hr />
          <Text style={styles.footer}>
            You get this because you subscribed to Tidings.
            {footerLinks.map((l, i) => (
              <span key={i}>
                {' · '}
                <Link href={l.href}>{l.label}</Link>
              </span>
            ))}
          </Text>
        </Container>
      </Body>
    </Html>
  );
}

Briefing.PreviewProps = {
  editionLabel: 'Friday, 20 November 2026',
  preview: '2 articles picked for you: Why idempotency keys belong to the batch, not the message',
  items: [
    {
      title: 'Why idempotency keys belong to the batch, not the message',
      summary: 'A retried batch must be byte-identical, or the provider sends it twice.',
      source: 'Tidings Engineering',
      href: 'https://example.com/a',
      reasons: ['because you read about email delivery'],
    },
    {
      title: 'Reading a feed without trusting it',
      summary: 'Every item is checked against a contract before it can reach a reader.',
      source: 'Field Notes',
      href: 'https://example.com/b',
      reasons: ['new since your last briefing'],
    },
  ],
  latestPost: { title: 'Why idempotency keys belong to the batch, not the message', href: 'https://example.com/a' },
  footerLinks: [
    { label: 'Preferences', href: 'https://example.com/preferences' },
    { label: 'Unsubscribe', href: 'https://example.com/unsubscribe' },
  ],
} satisfies BriefingProps;

export default Briefing;
