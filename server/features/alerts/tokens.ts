import { SignedLinks } from '../../mail/signed-links.js';

export type AlertTokenPurpose = 'confirm' | 'unsubscribe';

/** Links of alert e-mails: `<alert id>.<HMAC>` (see SignedLinks), with the alerts' own key. */
export class AlertTokens extends SignedLinks<AlertTokenPurpose> {
  constructor(secret: string) {
    super(secret, 'alert-links');
  }
}
