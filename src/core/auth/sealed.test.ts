import { describe, expect, it } from 'vitest';
import { maskEmail } from './mask';
import { seal, unseal } from './sealed';

describe('sealed values', () => {
  it('opens what it sealed, and nothing altered, foreign or sealed for another purpose', async () => {
    const sealed = await seal({ email: 'a@x.com' }, 's1', 'p1');
    expect(sealed).not.toContain('a@x.com');
    expect(await unseal(sealed, 's1', 'p1')).toEqual({ email: 'a@x.com' });
    expect(await unseal(sealed, 's2', 'p1')).toBeNull();
    expect(await unseal(sealed, 's1', 'p2')).toBeNull();
    const flipped = sealed.slice(0, 20) + (sealed[20] === 'A' ? 'B' : 'A') + sealed.slice(21);
    expect(await unseal(flipped, 's1', 'p1')).toBeNull();
    expect(await unseal('not base64!', 's1', 'p1')).toBeNull();
  });
});

describe('maskEmail', () => {
  it('shows the first letter and the domain only', () => {
    expect(maskEmail('reader@example.com')).toBe('r•••@example.com');
    expect(maskEmail('x@y.z')).toBe('x•••@y.z');
    expect(maskEmail('nonsense')).toBe('•••');
  });
});
