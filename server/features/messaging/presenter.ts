import Handlebars from 'handlebars';
import type { ThreadRow } from './repository.js';
import type { Side, Subject } from './participants.js';
import type { PresentedMessage } from './service.js';
import { threadTitle } from './titles.js';

type Translate = (key: string, params?: Record<string, unknown>) => string;

const URL_PATTERN = /https?:\/\/[^\s<>"']+/g;

/**
 * Plain text with links: everything escaped, then http(s) addresses made clickable (rel=nofollow
 * noopener ugc, new tab never forced). No other markup can reach the page.
 */
export function linkify(text: string): string {
  const escaped = Handlebars.escapeExpression(text);
  return escaped.replace(URL_PATTERN, (raw) => {
    const trailing = /[.,;:!?)]+$/.exec(raw)?.[0] ?? '';
    const url = raw.slice(0, raw.length - trailing.length);
    return `<a href="${url}" rel="nofollow noopener ugc">${url}</a>${trailing}`;
  });
}

const sizeFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
export const sizeLabel = (bytes: number | null) => (bytes === null ? '' : bytes < 1024 * 1024 ? `${sizeFormat.format(bytes / 1024)} Ko` : `${sizeFormat.format(bytes / 1024 / 1024)} Mo`);

/** Who wrote, in words: the young person, the company (its name), the mission locale. */
export function roleLabel(t: Translate, message: PresentedMessage, subject: Subject, tenantName: string): string {
  if (!message.authorRole) return '';
  if (message.authorRole === 'employer') return subject.companyName ?? t('role.employer');
  if (message.authorRole === 'counsellor') return t('messaging.role.counsellor', { name: tenantName });
  return t(`messaging.role.${message.authorRole}`);
}

/** A message for the page templates (partials/message.hbs). */
export function messageView(t: Translate, message: PresentedMessage, context: { threadId: string; subject: Subject; tenantName: string; viewerId: string }) {
  return {
    ...message,
    authorName: message.authorName ?? t('messaging.deletedAccount'),
    roleLabel: roleLabel(t, message, context.subject, context.tenantName),
    bodyHtml: message.body ? new Handlebars.SafeString(linkify(message.body)) : undefined,
    stateText: message.state === 'visible' ? undefined : t(`messaging.state.${message.state}`),
    attachment: message.attachment && {
      ...message.attachment,
      sizeText: sizeLabel(message.attachment.size),
      url: message.attachment.available ? `/messages/pieces/${message.id}` : undefined,
    },
    readByText: message.readBy.length > 0 ? t('messaging.readBy', { names: message.readBy.join(', ') }) : undefined,
    readByCompanyText: message.readByCompany ? t('messaging.readByCompany') : undefined,
    reportUrl: !message.mine && message.state === 'visible' && message.authorId ? `/messages/signaler/${message.id}` : undefined,
    // Staff cannot be blocked (a young person's counsellor stays reachable); they can be reported.
    blockUrl:
      !message.mine && message.authorId && (message.authorRole === 'candidate' || message.authorRole === 'employer') && message.state !== 'blocked'
        ? `/messages/${context.threadId}/bloquer/${message.authorId}`
        : undefined,
  };
}

/** A thread for the API. */
export function threadResource(t: Translate, thread: ThreadRow, subject: Subject, side: Side, unread: number) {
  return {
    id: thread.id,
    kind: thread.kind,
    title: threadTitle(t, subject),
    closed: subject.closed,
    unread,
    last_message_at: thread.last_message_at.toISOString(),
    application_id: thread.application_id,
    offer_id: thread.offer_id,
    young_user_id: thread.young_user_id,
    company_id: thread.company_id,
    my_side: side,
  };
}

/** A message for the API. */
export function messageResource(message: PresentedMessage) {
  return {
    id: message.id,
    mine: message.mine,
    author: message.authorId && message.authorName ? { id: message.authorId, name: message.authorName, role: message.authorRole ?? '' } : null,
    created_at: message.createdAt.toISOString(),
    state: message.state,
    body: message.body,
    offer: message.offer,
    attachment: message.attachment && {
      name: message.attachment.name,
      size: message.attachment.size,
      media_type: message.attachment.mediaType,
      url: message.attachment.available ? `/api/v1/messages/${message.id}/attachment` : null,
    },
    read_by: message.readBy,
    read_by_company: message.readByCompany,
  };
}
