import type { Subject } from './participants.js';

/** A thread's title in words (`messaging.title.<kind>` in the strings file). */
export function threadTitle(t: (key: string, params?: Record<string, unknown>) => string, subject: Subject): string {
  return t(`messaging.title.${subject.kind}`, {
    young: subject.youngName ?? t('messaging.deletedAccount'),
    offer: subject.offerTitle ?? '',
    company: subject.companyName ?? '',
  });
}
