import type { FormField, FormPage } from '../../plugins/forms.js';

/** The search being saved travels in hidden fields (the search page's own parameter names). */
export const SEARCH_FIELDS = ['q', 'secteur', 'contrat', 'logement', 'departement', 'metier', 'lieu', 'rayon'] as const;
const hidden = (name: string): FormField => ({ name, type: 'hidden', label: `fields.${name}.label` });

export const alertForm: FormPage = {
  id: 'alert',
  template: 'pages/alerts/new',
  title: 'alerts.new.title',
  fields: [
    { name: 'email', type: 'email', label: 'fields.email.label', autocomplete: 'email', required: true, maxlength: 254 },
    {
      name: 'frequency',
      type: 'radio',
      label: 'fields.frequency.label',
      required: true,
      options: [
        { value: 'daily', label: 'alerts.frequency.daily' },
        { value: 'weekly', label: 'alerts.frequency.weekly' },
      ],
    },
    ...SEARCH_FIELDS.map(hidden),
  ],
};
