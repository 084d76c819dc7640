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

/** The site's icon: a "T" on the accent colour. Browsers ask for /favicon.ico on their own; both paths answer it. */
const icon =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0b57d0"/>' +
  '<path d="M9 9h14v4h-5v12h-4V13H9z" fill="#fff"/></svg>';
export const ICON_PATH = `/assets/icon.svg?v=${version(icon)}`;

export const STYLESHEET_PATH = `/assets/site.css?v=${version(siteCss)}`;
export const TZ_SCRIPT_PATH = `/assets/tz.js?v=${version(timeZoneScript)}`;

export function assetRoutes() {
  const cache = 'public, max-age=86400';
  return new Hono()
    .get('/assets/site.css', (c) => c.body(siteCss, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': cache }))
    .get('/assets/icon.svg', (c) => c.body(icon, 200, { 'content-type': 'image/svg+xml', 'cache-control': cache }))
    .get('/favicon.ico', (c) => c.body(icon, 200, { 'content-type': 'image/svg+xml', 'cache-control': cache }))
    .get('/assets/tz.js', (c) => c.body(timeZoneScript, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': cache }));
}
