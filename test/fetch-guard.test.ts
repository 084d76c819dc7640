// Feed fetches against a real loopback server: in production nothing non-public is reached, on any
// redirect hop; in development loopback works. Other ranges are covered by the guard's own tests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/env';
import { fetchFeed, fetchPolicyFrom, type FetchLimits } from '../workers/fetch-feed';
import { productionEnv } from './production-env';

const feed = '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>';
let server: Server;
let port: number;
let adminHits = 0;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url!);
    if (req.url!.startsWith('/internal/admin')) {
      adminHits++;
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end('purged');
    }
    if (req.url === '/to-admin') return void res.writeHead(302, { location: `http://127.0.0.1:${port}/internal/admin?action=purge` }).end();
    if (req.url === '/to-admin-by-name')
      return void res.writeHead(301, { location: `http://0x7f000001:${port}/internal/admin?action=purge` }).end();
    if (req.url === '/hop') return void res.writeHead(302, { location: '/feed.xml' }).end();
    if (req.url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
    if (req.url === '/feed.xml') return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  hits.length = 0;
  adminHits = 0;
});

const none = { etag: null, last_modified: null };
const production = (allow: string[] = []): FetchLimits => ({
  timeoutMs: 3000,
  maxBytes: 100_000,
  addresses: { allowLoopback: false, allow },
});
const development: FetchLimits = { timeoutMs: 3000, maxBytes: 100_000, addresses: { allowLoopback: true, allow: [] } };

describe('feed fetches and non-public addresses', () => {
  it.each(['127.0.0.1', 'localhost', '0x7f000001', '[::1]'])('refuses http://%s in production without sending a request', async (host) => {
    const outcome = await fetchFeed(`http://${host}:${port}/feed.xml`, none, production());
    expect(outcome).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/not a public address \(loopback\).*FETCH_ALLOW_HOSTS/),
    });
    expect(hits).toEqual([]);
  });

  it('never follows a redirect to an internal admin URL in production, whichever way the address is written', async () => {
    // The feed host itself is an allowed exception; where it redirects to is checked again.
    for (const path of ['/to-admin', '/to-admin-by-name']) {
      const outcome = await fetchFeed(`http://localhost:${port}${path}`, none, production(['localhost']));
      expect(outcome).toMatchObject({
        status: 'failed',
        reason: expect.stringMatching(/redirected to http:\/\/127\.0\.0\.1:\d+\/internal\/admin.*not a public address \(loopback\)/),
      });
    }
    expect(adminHits).toBe(0);
    expect(hits).toEqual(['/to-admin', '/to-admin-by-name']);
  });

  it('follows redirects on allowed addresses, up to a limit', async () => {
    expect(await fetchFeed(`http://127.0.0.1:${port}/hop`, none, development)).toMatchObject({ status: 'fetched', body: feed });
    expect(await fetchFeed(`http://127.0.0.1:${port}/loop`, none, development)).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/more than 5 redirects/),
    });
    expect(hits.filter((h) => h === '/loop').length).toBe(6);
  });

  it('fetches loopback feeds in development', async () => {
    expect(await fetchFeed(`http://localhost:${port}/feed.xml`, none, development)).toMatchObject({ status: 'fetched', body: feed });
  });

  it('takes its policy from the configuration: production refuses loopback, FETCH_ALLOW_HOSTS lists exceptions, bad entries are named', () => {
    expect(fetchPolicyFrom(loadConfig(productionEnv))).toEqual({ allowLoopback: false, allow: [] });
    expect(fetchPolicyFrom(loadConfig({ ...productionEnv, FETCH_ALLOW_HOSTS: 'feeds.intranet, 10.1.0.0/16' }))).toEqual({
      allowLoopback: false,
      allow: ['feeds.intranet', '10.1.0.0/16'],
    });
    expect(fetchPolicyFrom(loadConfig({ NODE_ENV: 'development' })).allowLoopback).toBe(true);
    expect(() => loadConfig({ FETCH_ALLOW_HOSTS: '10.0.0.0/99' })).toThrow(ConfigError);
    expect(() => loadConfig({ FETCH_ALLOW_HOSTS: '10.0.0.0/99' })).toThrow(/FETCH_ALLOW_HOSTS: "10\.0\.0\.0\/99" is not a CIDR range/);
  });
});
