import { createHash, randomBytes } from 'node:crypto';

/**
 * Tokens of e-mailed links: 256 random bits, base64url in the link; only the SHA-256 is stored, so
 * a database leak gives no usable link. Lookup is by the hash (an index probe on a value an attacker
 * cannot choose), hence no timing oracle on the token.
 */
export function newLinkToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashLinkToken(token) };
}

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A link token as it may appear in a URL: refuses anything else before touching the database. */
export const LINK_TOKEN_PATTERN = '^[A-Za-z0-9_-]{43}$';
