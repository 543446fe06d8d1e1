import { Type } from '@sinclair/typebox';
import { CONSENT_CHANNELS, FOLLOW_UP_KINDS } from '../../db/database.js';
import type { FormPage } from '../../plugins/forms.js';

// The forms of the counsellor space and of the young person's accompaniment page.

const Csrf = Type.Optional(Type.String({ maxLength: 200 }));
const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
const OptionalText = (maxLength: number) => Type.Optional(Type.String({ maxLength }));

const channelOptions = CONSENT_CHANNELS.map((value) => ({ value, label: `consentChannel.${value}` }));

export const inviteYoungForm: FormPage = {
  id: 'inviteYoung',
  template: 'pages/accompaniment/invite',
  title: 'counsellor.invite.title',
  fields: [
    { name: 'email', type: 'email', label: 'fields.email.label', autocomplete: 'off', required: true, maxlength: 254 },
    { name: 'channel', type: 'radio', label: 'fields.consent_channel.label', hint: 'counsellor.invite.channelHint', required: true, options: channelOptions },
  ],
};
export const InviteYoungBody = Type.Object({ _csrf: Csrf, email: Email, channel: Type.Union(CONSENT_CHANNELS.map((c) => Type.Literal(c))) });

export const followUpForm: FormPage = {
  id: 'followUp',
  template: 'pages/accompaniment/action',
  title: 'counsellor.followUp.title',
  fields: [
    { name: 'kind', type: 'select', label: 'fields.follow_up_kind.label', required: true, options: FOLLOW_UP_KINDS.map((k) => ({ value: k, label: `followUpKind.${k}` })) },
    { name: 'happened_on', type: 'date', label: 'fields.happened_on.label', required: true },
    { name: 'note', type: 'textarea', label: 'fields.follow_up_note.label', maxlength: 1000 },
  ],
};
export const FollowUpBody = Type.Object({
  _csrf: Csrf,
  kind: Type.Union(FOLLOW_UP_KINDS.map((k) => Type.Literal(k))),
  happened_on: Type.String({ format: 'date' }),
  note: OptionalText(1000),
});

export const privateNoteForm: FormPage = {
  id: 'privateNote',
  template: 'pages/accompaniment/action',
  title: 'counsellor.note.title',
  fields: [{ name: 'body', type: 'textarea', label: 'fields.private_note.label', hint: 'counsellor.note.hint', required: true, maxlength: 2000 }],
};
export const PrivateNoteBody = Type.Object({ _csrf: Csrf, body: Type.String({ minLength: 1, maxLength: 2000 }) });

export const appointmentForm: FormPage = {
  id: 'appointment',
  template: 'pages/accompaniment/action',
  title: 'counsellor.appointment.title',
  fields: [
    { name: 'at', type: 'datetime-local', label: 'fields.appointment_at.label', hint: 'counsellor.appointment.hint' },
    { name: 'place', type: 'text', label: 'fields.appointment_place.label', maxlength: 200 },
  ],
};
export const AppointmentBody = Type.Object({
  _csrf: Csrf,
  // datetime-local: "2027-03-02T14:30" in the tenant's time zone; empty clears the appointment.
  at: Type.Optional(Type.Union([Type.Literal(''), Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}$' })])),
  place: OptionalText(200),
});

export const colleagueForm: FormPage = {
  id: 'colleague',
  template: 'pages/accompaniment/colleague',
  title: 'counsellor.colleague.title',
  fields: [{ name: 'colleague', type: 'select', label: 'fields.colleague.label', required: true }],
};
export const ColleagueBody = Type.Object({ _csrf: Csrf, colleague: Type.String({ format: 'uuid' }) });

const offerField = { name: 'offer', type: 'text' as const, label: 'fields.offer.label', hint: 'fields.offer.hint', required: true, maxlength: 300 };

export const suggestOfferForm: FormPage = {
  id: 'suggestOffer',
  template: 'pages/accompaniment/action',
  title: 'counsellor.suggest.title',
  fields: [offerField, { name: 'note', type: 'textarea', label: 'fields.suggestion_note.label', hint: 'counsellor.suggest.noteHint', maxlength: 1000 }],
};
export const SuggestOfferBody = Type.Object({ _csrf: Csrf, offer: Type.String({ minLength: 1, maxLength: 300 }), note: OptionalText(1000) });

export const recommendForm: FormPage = {
  id: 'recommend',
  template: 'pages/accompaniment/action',
  title: 'counsellor.recommend.title',
  fields: [
    offerField,
    { name: 'note_for_employer', type: 'textarea', label: 'fields.note_for_employer.label', hint: 'counsellor.recommend.employerHint', maxlength: 2000 },
    { name: 'private_note', type: 'textarea', label: 'fields.recommendation_private_note.label', hint: 'counsellor.recommend.privateHint', maxlength: 2000 },
    { name: 'channel', type: 'radio', label: 'fields.recommendation_channel.label', required: true, options: [
      { value: 'app', label: 'recommendationChannel.app' },
      { value: 'interview', label: 'recommendationChannel.interview' },
    ] },
  ],
};
export const RecommendBody = Type.Object({
  _csrf: Csrf,
  offer: Type.String({ minLength: 1, maxLength: 300 }),
  note_for_employer: OptionalText(2000),
  private_note: OptionalText(2000),
  channel: Type.Union(CONSENT_CHANNELS.map((c) => Type.Literal(c))),
});

export const parentalConsentForm: FormPage = {
  id: 'parentalConsent',
  template: 'pages/accompaniment/parental-consent-request',
  title: 'youth.parental.title',
  fields: [{ name: 'parent_email', type: 'email', label: 'fields.parent_email.label', hint: 'youth.parental.hint', required: true, maxlength: 254, autocomplete: 'off' }],
};
export const ParentalConsentBody = Type.Object({ _csrf: Csrf, parent_email: Email });

export const createCounsellorForm: FormPage = {
  id: 'createCounsellor',
  template: 'pages/accompaniment/admin-counsellor-new',
  title: 'counsellor.admin.new',
  fields: [
    { name: 'display_name', type: 'text', label: 'fields.display_name.label', required: true, maxlength: 80 },
    { name: 'email', type: 'email', label: 'fields.email.label', required: true, maxlength: 254, autocomplete: 'off' },
  ],
};
export const CreateCounsellorBody = Type.Object({ _csrf: Csrf, display_name: Type.String({ minLength: 2, maxLength: 80, pattern: '\\S' }), email: Email });

/**
 * An offer as a counsellor gives it: its page's address (`…/offres/<id>`) or its id. The id is
 * looked up in the tenant's live offers by the service.
 */
export function offerIdFrom(reference: string): string | undefined {
  return /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i.exec(reference.trim())?.[1]?.toLowerCase();
}
