// /assets/*: the design system's stylesheet and the one small script (time-zone detection), served by the edge app.
import { Hono } from 'hono';
import { siteCss } from './site-css';
import { timeZoneScript } from './tz-script';

/** Versioned by content, so a changed stylesheet is never served from a stale cache. */
const version = (text: string) => {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  return (h >>> 0).toString(36);
};

export const STYLESHEET_PATH = `/assets/site.css?v=${version(siteCss)}`;
export const TZ_SCRIPT_PATH = `/assets/tz.js?v=${version(timeZoneScript)}`;

export function assetRoutes() {
  const cache = 'public, max-age=86400';
  return new Hono()
    .get('/assets/site.css', (c) => c.body(siteCss, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': cache }))
    .get('/assets/tz.js', (c) => c.body(timeZoneScript, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': cache }));
}
