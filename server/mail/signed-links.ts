import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Links of e-mails that act on one row without a log-in (unsubscribe from an alert, answer a
 * follow-up question) carry `<row id>.<HMAC(tenant, id, purpose)>`: nothing to store, the same link
 * works in every copy of the message (a resend after a crash included), and a token of one tenant or
 * purpose is useless elsewhere. Each use has its own key, derived from the cookie secret (never the
 * secret itself).
 */
export class SignedLinks<Purpose extends string> {
  private readonly key: Buffer;

  constructor(secret: string, use: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'cordee', use, 32));
  }

  private mac(tenantId: string, id: string, purpose: Purpose): string {
    return createHmac('sha256', this.key).update(`${tenantId}\n${id}\n${purpose}`).digest('base64url');
  }

  sign(tenantId: string, id: string, purpose: Purpose): string {
    return `${id}.${this.mac(tenantId, id, purpose)}`;
  }

  /** The row id when the token is genuine for this tenant and purpose, else undefined. */
  verify(tenantId: string, token: unknown, purpose: Purpose): string | undefined {
    if (typeof token !== 'string') return undefined;
    const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return undefined;
    const expected = Buffer.from(this.mac(tenantId, match[1], purpose));
    const given = Buffer.from(match[2]);
    return expected.length === given.length && timingSafeEqual(expected, given) ? match[1] : undefined;
  }
}

export const SIGNED_LINK_PATTERN = '^[0-9a-f-]{36}\\.[A-Za-z0-9_-]{43}$';
