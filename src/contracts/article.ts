// The article contract: what a feed item must be before Tidings will rank or mail it.
import { z } from 'zod';
import { topicName } from './subscriber';

/** Every kind of content Tidings knows. `internal` is kept for operators and never mailed. */
export const contentTypes = ['post', 'news', 'tutorial', 'podcast', 'video', 'changelog', 'internal'] as const;
export type ContentType = (typeof contentTypes)[number];

/** Content types a reader may receive in a briefing. */
export const mailableContentTypes: readonly ContentType[] = contentTypes.filter((t) => t !== 'internal');

/** "is required" when absent; when present but not a string (a feed's JSON can hold anything), says what it got. */
const textRequired = (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : `must be text (got ${issue.input === null ? 'null' : typeof issue.input})`;

/** An absolute http(s) URL; `javascript:`, `data:` and relative URLs are refused. */
export const publicUrl = z
  .string({ error: textRequired })
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an absolute http:// or https:// URL');

export const articleSchema = z.object({
  id: z.string().min(1),
  url: publicUrl,
  title: z.string({ error: textRequired }).trim().min(1, 'must not be empty').max(500),
  summary: z.string().max(5000).default(''),
  source: z.string().min(1),
  topics: z.array(topicName).max(50).default([]),
  author: z.string().trim().max(200).nullable().default(null),
  published_at: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }),
  content_type: z.enum(contentTypes, {
    error: (issue) =>
      issue.input === undefined
        ? 'is missing; every article must declare its content type (the source can set a default)'
        : `must be one of ${contentTypes.join(', ')}`,
  }),
});

export type Article = z.infer<typeof articleSchema>;
export type ArticleInput = z.input<typeof articleSchema>;

/** One reason per failing field, in words an operator can act on. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || 'item'} ${issue.message}`);
}
