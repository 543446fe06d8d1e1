import type { FormPage } from '../../plugins/forms.js';

export const profileForm: FormPage = {
  id: 'candidateProfile',
  template: 'pages/candidates/profile',
  title: 'candidate.profile.title',
  fields: [
    { name: 'phone', type: 'text', label: 'fields.phone.label', autocomplete: 'tel', maxlength: 30 },
    { name: 'headline', type: 'text', label: 'fields.headline.label', hint: 'candidate.profile.headlineHint', maxlength: 200 },
  ],
};
