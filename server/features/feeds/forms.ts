import { Type, type Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { FormField, FormPage } from '../../plugins/forms.js';
import { FEED_FORMATS } from './formats/index.js';

// The forms of the feeds pages: a URL source, an uploaded file, a partner API key.

const formatField: FormField = {
  name: 'format',
  type: 'select',
  label: 'fields.feed_format.label',
  hint: 'fields.feed_format.hint',
  required: true,
  options: FEED_FORMATS.map((format) => ({ value: format, label: `feeds.format.${format}` })),
};

/** The admin's choice of company; the choices come from the page's data (`companies`), labels as they are. */
const companyField: FormField = {
  name: 'company_id',
  type: 'select',
  label: 'fields.feed_company.label',
  required: true,
  optionsFor: (_tenant, data) => (data.companies as { id: string; name: string }[]).map((c) => ({ value: c.id, label: c.name })),
};

const sourceFields: FormField[] = [
  { name: 'name', type: 'text', label: 'fields.feed_name.label', hint: 'fields.feed_name.hint', required: true, maxlength: 120 },
  formatField,
  { name: 'url', type: 'url', label: 'fields.feed_url.label', hint: 'fields.feed_url.hint', required: true, maxlength: 2000 },
  {
    name: 'polls_per_day',
    type: 'radio',
    label: 'fields.polls_per_day.label',
    required: true,
    options: ['1', '2', '3', '4'].map((value) => ({ value, label: `feeds.pollsPerDay.${value}` })),
  },
];

const uploadFields: FormField[] = [formatField, { name: 'file', type: 'file', label: 'fields.feed_file.label', hint: 'fields.feed_file.hint', required: true }];

/** The tenant's companies for the admin's choice (read at every rendering, refused posts included). */
export type CompanyChoices = (request: FastifyRequest) => Promise<Record<string, unknown>>;

export const sourceForm: FormPage = { id: 'feed', template: 'pages/feeds/source-form', title: 'feeds.new.title', fields: sourceFields };
export const uploadForm: FormPage = { id: 'feedUpload', template: 'pages/feeds/upload-form', title: 'feeds.upload.title', fields: uploadFields };

export const adminSourceForm = (companies: CompanyChoices): FormPage => ({ ...sourceForm, fields: [companyField, ...sourceFields], data: companies });
export const adminUploadForm = (companies: CompanyChoices): FormPage => ({ ...uploadForm, fields: [companyField, ...uploadFields], data: companies });

export const apiKeyForm: FormPage = {
  id: 'apiKey',
  template: 'pages/feeds/api-keys',
  title: 'feeds.apiKeys.title',
  fields: [{ name: 'name', type: 'text', label: 'fields.api_key_name.label', hint: 'fields.api_key_name.hint', required: true, maxlength: 120 }],
};

const Csrf = { _csrf: Type.Optional(Type.String({ maxLength: 200 })) };
const Format = Type.Union(FEED_FORMATS.map((format) => Type.Literal(format)));
const CompanyId = Type.String({ pattern: '^[0-9a-fA-F-]{36}$' });

export const SourceFormBody = Type.Object(
  {
    ...Csrf,
    company_id: Type.Optional(CompanyId),
    name: Type.String({ minLength: 1, maxLength: 120 }),
    format: Format,
    url: Type.String({ minLength: 8, maxLength: 2000, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://' }),
    polls_per_day: Type.Union(['1', '2', '3', '4'].map((value) => Type.Literal(value))),
  },
  { additionalProperties: false },
);
export type SourceFormBody = Static<typeof SourceFormBody>;

/** The upload form: text fields checked here, the file part by the service (size, name, content). */
export const UploadFormBody = Type.Object(
  { ...Csrf, company_id: Type.Optional(CompanyId), format: Format, file: Type.Optional(Type.Unsafe<unknown>({})) },
  { additionalProperties: false },
);
export type UploadFormBody = Static<typeof UploadFormBody>;

export const ApiKeyFormBody = Type.Object({ ...Csrf, name: Type.String({ minLength: 1, maxLength: 120 }) }, { additionalProperties: false });
