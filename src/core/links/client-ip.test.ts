import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-ip';

describe('clientAddress', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress('203.0.113.9', '198.51.100.1', 0)).toBe('203.0.113.9');
    expect(clientAddress('203.0.113.9', null, 2)).toBe('203.0.113.9');
  });

  it('takes the address the outermost trusted proxy saw, so a forged entry on the left changes nothing', () => {
    // client → nginx (10.0.0.2) → Tidings
    expect(clientAddress('10.0.0.2', '198.51.100.7', 1)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.2', '6.6.6.6, 198.51.100.7', 1)).toBe('198.51.100.7');
    // client → CDN (192.0.2.5) → load balancer (10.0.0.3) → Tidings
    expect(clientAddress('10.0.0.3', '6.6.6.6, 198.51.100.7, 192.0.2.5', 2)).toBe('198.51.100.7');
  });

  it('falls back to the leftmost entry when the chain is shorter than the trusted hops', () => {
    expect(clientAddress('10.0.0.2', ' 198.51.100.7 ', 3)).toBe('198.51.100.7');
  });
});
