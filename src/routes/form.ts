// The one reader of form bodies for every page: plain strings out, and a client's broken body becomes a 400, never a 500.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';

/** Raised for a form body that cannot be parsed; app.onError answers it with a page saying what to do. */
export class UnreadableFormError extends HTTPException {
  constructor(cause: unknown) {
    super(400, { message: 'The form body could not be read', cause });
    this.name = 'UnreadableFormError';
  }
}

/**
 * A form body as plain strings (files and repeated fields ignored). Bodies that are not forms give an empty
 * record, so a handler treats them as a form with nothing filled in.
 */
export async function readForm(c: Context): Promise<Record<string, string>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^\s*(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) return {};
  let body: Record<string, unknown>;
  try {
    body = await c.req.parseBody();
  } catch (error) {
    // A body over the size limit was already answered; what is left is malformed multipart or a cut-off upload.
    if (error instanceof HTTPException) throw error;
    throw new UnreadableFormError(error);
  }
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
