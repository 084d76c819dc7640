// The source contract: a feed Tidings polls.
import { z } from 'zod';
import { contentTypes } from './article';

/** `sample:<file>` names a feed shipped in samples/feeds (the embedded demo); anything else is http(s). */
export const feedLocation = z.string().refine((value) => {
  if (/^sample:[A-Za-z0-9._-]+$/.test(value)) return true;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an http(s) feed URL (or sample:<file> for a shipped demo feed)');

export const sourceSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lowercase letters, digits and dashes'),
  url: feedLocation,
  title: z.string().default(''),
  /** Set by the operator for feeds whose items do not say what they are; never guessed. */
  default_content_type: z.enum(contentTypes).nullable().default(null),
  added_at: z.iso.datetime({ offset: true }),
});

export type Source = z.infer<typeof sourceSchema>;
