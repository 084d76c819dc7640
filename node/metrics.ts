// Metrics measured in the Node host itself (not read from Redis at scrape time): the click redirect's latency.
import { Histogram } from 'prom-client';

/** Time to answer a /c/ redirect on the fast path; registered by the /metrics route of each server. */
export const redirectLatency = new Histogram({
  name: 'tidings_redirect_seconds',
  help: 'Time to answer a click redirect (GET/HEAD /c/…) on the Node fast path',
  buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
  registers: [],
});
