import { Type, type Static } from '@sinclair/typebox';
import type { TenantSettingsTable } from '../../db/database.js';
import type { FormField, FormPage } from '../../plugins/forms.js';

/**
 * The tenant.json keys a tenant admin may change at run time (issue #7 part 4), as Ghost copies only an
 * allow-list of theme keys over its defaults. One entry per setting: its form field, which is also its
 * column of `tenant_settings`, and its path in tenant.json.
 */
export const SETTINGS = [
  { field: 'contact_email', path: 'contact.email', kind: 'text' },
  { field: 'contact_phone', path: 'contact.phone', kind: 'text' },
  { field: 'contact_address', path: 'contact.address', kind: 'text' },
  { field: 'offer_lifetime_days', path: 'offers.lifetimeDays', kind: 'integer' },
  { field: 'offer_moderation', path: 'offers.moderation', kind: 'switch' },
  { field: 'feature_billing', path: 'features.billing', kind: 'switch' },
  { field: 'feature_messaging', path: 'features.messaging', kind: 'switch' },
  { field: 'feature_housing_filter', path: 'features.housingFilter', kind: 'switch' },
  { field: 'feature_shared_time', path: 'features.sharedTime', kind: 'switch' },
] as const satisfies readonly { field: keyof TenantSettingsTable; path: string; kind: 'text' | 'integer' | 'switch' }[];

export type Setting = (typeof SETTINGS)[number];
export type SettingField = Setting['field'];

/** Stored overrides: null (or absent) = tenant.json's value. */
export type SettingsOverrides = { [F in SettingField]?: TenantSettingsTable[F] };

/** A switch's three choices: the file's value, or forced on / off. */
export const SWITCH = { file: 'fichier', on: 'oui', off: 'non' } as const;

const switchOptions = [
  { value: SWITCH.file, label: 'settings.choice.file' },
  { value: SWITCH.on, label: 'settings.choice.on' },
  { value: SWITCH.off, label: 'settings.choice.off' },
];

const TEXT_MAX_LENGTH: Record<string, number> = { contact_email: 254, contact_phone: 20, contact_address: 200 };

const fields: FormField[] = SETTINGS.map(({ field, kind }): FormField => {
  const label = `settings.field.${field}`;
  if (kind === 'switch') return { name: field, type: 'radio', label, options: switchOptions };
  if (kind === 'integer') return { name: field, type: 'text', label, hint: 'settings.hint.lifetime', inputmode: 'numeric', maxlength: 3 };
  return { name: field, type: field === 'contact_email' ? 'email' : 'text', label, hint: 'settings.hint.inherit', maxlength: TEXT_MAX_LENGTH[field] };
});

export const settingsForm: FormPage = { id: 'settings', template: 'pages/admin/settings', title: 'settings.title', fields };

const Switch = Type.Union(Object.values(SWITCH).map((v) => Type.Literal(v)));

/**
 * What the form posts (strings only): the shape, bounded. The values are checked by the service,
 * against tenant.json's own schema and rules, on the configuration they would produce — so a wrong
 * value is reported next to its field on the full page (file values and current values included).
 */
export const SettingsFormBody = Type.Object(
  {
    _csrf: Type.Optional(Type.String({ maxLength: 200 })),
    contact_email: Type.String({ maxLength: 254 }),
    contact_phone: Type.String({ maxLength: 40 }),
    contact_address: Type.String({ maxLength: 400 }),
    offer_lifetime_days: Type.String({ maxLength: 10 }),
    offer_moderation: Switch,
    feature_billing: Switch,
    feature_messaging: Switch,
    feature_housing_filter: Switch,
    feature_shared_time: Switch,
  },
  { additionalProperties: false },
);
export type SettingsFormBody = Static<typeof SettingsFormBody>;
