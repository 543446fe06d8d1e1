import { Type, type Static } from '@sinclair/typebox';
import type { FormField, FormPage } from '../../plugins/forms.js';
import type { CompanyInput } from './space-service.js';
import type { CompanyRow } from './repository.js';

const fields: FormField[] = [
  { name: 'name', type: 'text', label: 'fields.company_name.label', required: true, maxlength: 120, autocomplete: 'organization' },
  { name: 'siret', type: 'text', label: 'fields.siret.label', hint: 'fields.siret.hint', maxlength: 20, inputmode: 'numeric' },
  { name: 'naf_code', type: 'text', label: 'fields.naf_code.label', hint: 'fields.naf_code.hint', maxlength: 6 },
  { name: 'headcount', type: 'text', label: 'fields.headcount.label', hint: 'fields.headcount.hint', maxlength: 7, inputmode: 'numeric' },
  { name: 'commune_insee', type: 'text', label: 'fields.company_commune.label', hint: 'fields.commune_insee.hint', maxlength: 5, inputmode: 'numeric' },
  { name: 'website', type: 'url', label: 'fields.website.label', hint: 'fields.website.hint', maxlength: 300, autocomplete: 'url' },
  { name: 'description', type: 'textarea', label: 'fields.company_description.label', hint: 'fields.description_html.hint', maxlength: 5000 },
];

export const createCompanyForm: FormPage = { id: 'company', template: 'pages/company/form', title: 'companySpace.create.title', fields };
export const editCompanyForm: FormPage = { id: 'company', template: 'pages/company/form', title: 'companySpace.edit.title', fields };

const Optional = (maxLength: number, pattern?: string) => Type.Optional(Type.String({ maxLength, ...(pattern ? { pattern } : {}) }));

export const CompanyFormBody = Type.Object(
  {
    _csrf: Type.Optional(Type.String({ maxLength: 200 })),
    name: Type.String({ minLength: 2, maxLength: 120 }),
    siret: Optional(20, '^$|^[0-9 .-]{14,20}$'),
    naf_code: Optional(6, '^$|^[0-9]{2}\\.?[0-9]{2}[A-Za-z]$'),
    headcount: Optional(7, '^$|^[0-9]{1,7}$'),
    commune_insee: Optional(5, '^$|^[0-9][0-9ABab][0-9]{3}$'),
    website: Optional(300),
    description: Optional(5000),
  },
  { additionalProperties: false },
);
export type CompanyFormBody = Static<typeof CompanyFormBody>;

const text = (value: string | undefined) => (value === undefined || value === '' ? null : value);

export function companyInput(body: CompanyFormBody): CompanyInput {
  return {
    name: body.name,
    siret: text(body.siret),
    naf_code: text(body.naf_code),
    headcount: body.headcount ? Number(body.headcount) : null,
    commune_insee: text(body.commune_insee),
    website: text(body.website),
    description: text(body.description),
  };
}

export function companyValues(company: CompanyRow): Record<string, string> {
  return {
    name: company.name,
    siret: company.siret ?? '',
    naf_code: company.naf_code ?? '',
    headcount: company.headcount === null ? '' : String(company.headcount),
    commune_insee: company.commune_insee ?? '',
    website: company.website ?? '',
    description: company.description ?? '',
  };
}

export const inviteForm: FormPage = {
  id: 'invite',
  template: 'pages/company/invite',
  title: 'companySpace.invite.title',
  fields: [
    { name: 'email', type: 'email', label: 'fields.invite_email.label', required: true, maxlength: 254, autocomplete: 'off' },
    {
      name: 'member_role',
      type: 'radio',
      label: 'fields.member_role.label',
      required: true,
      options: [
        { value: 'member', label: 'memberRole.member' },
        { value: 'owner', label: 'memberRole.owner' },
      ],
    },
  ],
};

export const InviteFormBody = Type.Object(
  {
    _csrf: Type.Optional(Type.String({ maxLength: 200 })),
    email: Type.String({ format: 'email', minLength: 3, maxLength: 254 }),
    member_role: Type.Union([Type.Literal('member'), Type.Literal('owner')]),
  },
  { additionalProperties: false },
);
