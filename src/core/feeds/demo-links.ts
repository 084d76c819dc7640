// The shipped demo feeds link to hosts that do not exist (*.tidings.example). In development their links are
// pointed at this instance's own /demo/ pages, so a newcomer's first click lands on a readable article.

const DEMO_HOST = /https:\/\/([a-z0-9-]+)\.tidings\.example(?=[/<"'\s]|$)\/?/g;

/** The feed document with every demo host replaced by `<baseUrl>/demo/<site>/`. */
export function pointDemoLinksAt(body: string, baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return body.replace(DEMO_HOST, (_, site: string) => `${base}/demo/${site}/`);
}
