import { describe, expect, it } from 'vitest';
import { hashLinkToken, LINK_TOKEN_PATTERN, newLinkToken } from '../../../server/features/accounts/link-tokens.js';
import { hashPassword, passwordProblem, verifyPassword } from '../../../server/features/accounts/passwords.js';

describe('password hashing (argon2id)', () => {
  it('hashes with argon2id, a random salt each time, and verifies', async () => {
    const [a, b] = await Promise.all([hashPassword('cordee-demo'), hashPassword('cordee-demo')]);
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, 'cordee-demo')).toBe(true);
    expect(await verifyPassword(a, 'Cordee-demo')).toBe(false);
  });

  it('refuses a missing or malformed hash after doing the same work (no timing shortcut)', async () => {
    const hash = await hashPassword('x'.repeat(12));
    await verifyPassword(null, 'warm-up'); // the decoy is hashed once
    const time = async (work: () => Promise<boolean>) => {
      const start = performance.now();
      expect(await work()).toBe(false);
      return performance.now() - start;
    };
    // Interleaved runs, fastest of each: a busy machine only ever slows a run down, so the minimum is
    // the cost of the work itself (one slow outlier made the single-run comparison fail under load).
    const real: number[] = [];
    const missing: number[] = [];
    for (let run = 0; run < 5; run++) {
      real.push(await time(() => verifyPassword(hash, 'wrong password')));
      missing.push(await time(() => verifyPassword(null, 'wrong password')));
    }
    expect(await verifyPassword('not-a-phc-string', 'x')).toBe(false);
    // Same order of magnitude: both ran a full argon2 verification.
    expect(Math.min(...missing)).toBeGreaterThan(Math.min(...real) / 4);
  });
});

describe('password rules', () => {
  const context = { email: 'marie.dupont@exemple.fr', displayName: 'Marie Dupont' };

  it.each([
    ['court', 'invalid'],
    ['x'.repeat(129), 'invalid'],
    ['azertyuiop', 'common'],
    ['Password1', 'common'],
    ['motdepasse', 'common'],
    ['marie.dupont@exemple.fr', 'personal'],
    ['ma marie.dupont 2025', 'personal'],
    ['MarieDupont74', 'personal'],
  ])('refuses %s (%s)', async (password, problem) => {
    expect(await passwordProblem(password, context)).toBe(problem);
  });

  it.each(['une longue phrase de passe', 'neige fraîche sur le col', 'cordee-demo', '8 chars!', 'x'.repeat(128)])('accepts %s (no composition rules)', async (password) => {
    expect(await passwordProblem(password, context)).toBeUndefined();
  });
});

describe('e-mailed link tokens', () => {
  it('are 256-bit, URL-safe, and stored as their SHA-256 only', () => {
    const { token, hash } = newLinkToken();
    expect(token).toMatch(new RegExp(LINK_TOKEN_PATTERN));
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashLinkToken(token)).toBe(hash);
    expect(newLinkToken().token).not.toBe(token);
  });
});
