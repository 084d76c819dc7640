/** @jsxImportSource react */
// The sign-in email: one button, the same sign-in as a 6-digit code, when it expires, and "didn't ask? ignore this".
import { Body, Button, Container, Head, Heading, Hr, Html, Preview, Section, Text } from '@react-email/components';

export interface MagicLinkProps {
  /** The address the email goes to, shown so a forwarded email is recognisable. */
  email: string;
  /** The link behind the button: a page with a "Sign in" button, built from PUBLIC_BASE_URL. */
  href: string;
  /** The 6-digit code for another device, or when the link will not open. */
  code: string;
  expiresInMinutes: number;
  /** True for an address signing in for the first time. */
  isNew: boolean;
  /** subscribe: this link confirms a subscription made on the subscribe form. */
  intent?: 'sign-in' | 'subscribe';
}

/** The email's subject for each case (the code stays out of it: subjects show on lock screens). */
export function magicLinkSubject(intent: 'sign-in' | 'subscribe', isNew: boolean): string {
  if (intent === 'subscribe') return 'Confirm your Tidings subscription';
  return isNew ? 'Confirm your email for Tidings' : 'Your Tidings sign-in link';
}

const styles = {
  body: { backgroundColor: '#f6f5f2', fontFamily: 'system-ui, -apple-system, "Segoe UI", sans-serif', color: '#1d1d1f' },
  container: { maxWidth: '520px', margin: '0 auto', padding: '24px 16px' },
  card: { backgroundColor: '#ffffff', borderRadius: '10px', padding: '20px' },
  button: {
    backgroundColor: '#0b57d0',
    color: '#ffffff',
    borderRadius: '8px',
    padding: '12px 20px',
    fontSize: '16px',
    textDecoration: 'none',
  },
  code: { fontSize: '28px', letterSpacing: '6px', fontWeight: 700, margin: '8px 0', fontFamily: 'ui-monospace, Menlo, monospace' },
  small: { fontSize: '13px', color: '#5f6368' },
} as const;

export function MagicLink({ email, href, code, expiresInMinutes, isNew, intent = 'sign-in' }: MagicLinkProps) {
  const subscribing = intent === 'subscribe';
  const action = subscribing ? 'Confirm your subscription' : isNew ? 'Confirm your email and sign in' : 'Sign in to Tidings';
  return (
    <Html lang="en">
      <Head />
      <Preview>{`${action}. The link and code expire in ${expiresInMinutes} minutes.`}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Heading as="h1" style={{ fontSize: '22px' }}>
            {action}
          </Heading>
          <Section style={styles.card}>
            {subscribing ? (
              <Text>
                Someone, hopefully you, asked to get Tidings briefings at {email}. Press the button to confirm: you are signed in, and your
                first briefing arrives a moment later. Nothing is sent until you confirm.
              </Text>
            ) : (
              <Text>Press the button to sign in as {email}. You will be asked to confirm on the page that opens.</Text>
            )}
            <Button href={href} style={styles.button}>
              {action}
            </Button>
            <Text>On another device, or if the button does not work, enter this code on the sign-in page:</Text>
            <Text style={styles.code}>{code}</Text>
            <Text style={styles.small}>The link and the code work once and expire in {expiresInMinutes} minutes.</Text>
          </Section>
          <Hr />
          <Text style={styles.small}>
            {subscribing
              ? "Didn't ask for this? Ignore this email: without the link nobody is subscribed, and the request is forgotten when it expires."
              : "Didn't ask to sign in? You can safely ignore this email: nobody can sign in without it."}
          </Text>
        </Container>
      </Body>
    </Html>
  );
}

MagicLink.PreviewProps = {
  email: 'reader@example.com',
  href: 'https://tidings.example.com/auth/v1/verify?token=pkce_example&type=magiclink&redirect_to=https%3A%2F%2Ftidings.example.com%2Fauth%2Fconfirm',
  code: '042917',
  expiresInMinutes: 15,
  isNew: false,
} satisfies MagicLinkProps;

export default MagicLink;
