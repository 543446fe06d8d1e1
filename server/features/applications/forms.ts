import type { FormPage } from '../../plugins/forms.js';

export const applyForm: FormPage = {
  id: 'apply',
  template: 'pages/applications/apply',
  title: 'apply.title',
  fields: [
    { name: 'full_name', type: 'text', label: 'fields.full_name.label', autocomplete: 'name', required: true, maxlength: 120 },
    { name: 'email', type: 'email', label: 'fields.email.label', autocomplete: 'email', required: true, maxlength: 254 },
    { name: 'phone', type: 'text', label: 'fields.phone.label', autocomplete: 'tel', maxlength: 30 },
    { name: 'message', type: 'textarea', label: 'fields.message.label', hint: 'apply.message.hint', maxlength: 5000 },
    // Rendered by the page itself (file input, checkbox); declared so their errors sit next to them.
    { name: 'cv', type: 'text', label: 'fields.cv.label', hint: 'apply.cv.hint', required: true },
    { name: 'consent', type: 'text', label: 'fields.consent.label', required: true },
  ],
};
