// A complete, valid production environment for tests (the secrets are random-looking test values, never used for real).
import type { EnvSource } from '../src/env';

export const productionEnv: EnvSource = {
  NODE_ENV: 'production',
  PUBLIC_BASE_URL: 'https://tidings.example.com',
  LINK_SIGNING_KEYS: 'k1:Q3v8yJmZ1rN4pL7wT0bX5cF2hK9sD6gA',
  SESSION_SECRET: 'mB7rT2wQ9zL4xN1vC8kP5jH3sF6dG0aY',
  OPERATOR_TOKEN: 'Z8yX7wV6uT5sR4qP3oN2mL1kJ0iH9gFe',
  RESEND_API_KEY: 're_test_key',
  RESEND_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  MAIL_FROM: 'Tidings <briefing@example.com>',
};
