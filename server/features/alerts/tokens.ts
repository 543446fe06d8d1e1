import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export type AlertTokenPurpose = 'confirm' | 'unsubscribe';

/**
 * Links of alert e-mails carry `<alert id>.<HMAC(tenant, id, purpose)>`: nothing to store, the same
 * unsubscribe link works in every digest, and a token of one tenant or purpose is useless elsewhere.
 * The key is derived from the cookie secret (never the secret itself).
 */
export class AlertTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'cordee', 'alert-links', 32));
  }

  private mac(tenantId: string, alertId: string, purpose: AlertTokenPurpose): string {
    return createHmac('sha256', this.key).update(`${tenantId}\n${alertId}\n${purpose}`).digest('base64url');
  }

  sign(tenantId: string, alertId: string, purpose: AlertTokenPurpose): string {
    return `${alertId}.${this.mac(tenantId, alertId, purpose)}`;
  }

  /** The alert id when the token is genuine for this tenant and purpose, else undefined. */
  verify(tenantId: string, token: unknown, purpose: AlertTokenPurpose): string | undefined {
    if (typeof token !== 'string') return undefined;
    const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return undefined;
    const expected = Buffer.from(this.mac(tenantId, match[1], purpose));
    const given = Buffer.from(match[2]);
    return expected.length === given.length && timingSafeEqual(expected, given) ? match[1] : undefined;
  }
}

export const ALERT_TOKEN_PATTERN = '^[0-9a-f-]{36}\\.[A-Za-z0-9_-]{43}$';
