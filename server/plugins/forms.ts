import { AjvCompiler } from '@fastify/ajv-compiler';
import { storableValuesOnly } from './validation.js';
import formbody from '@fastify/formbody';
import fp from 'fastify-plugin';
import { createRequire } from 'node:module';
import type { Localize } from 'ajv-i18n/localize/types.js';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { csrfUserInfo } from './csrf.js';
import type { Tenant } from '../tenancy/registry.js';
import type { Theme } from '../tenancy/theme.js';

/**
 * Server-rendered forms: one declaration per form (its page template and fields), used to render the
 * empty form, and — by the error handler — to render it again after a refused POST with the values
 * the user typed (never passwords), French messages next to each field, an error summary that takes
 * the focus, and a fresh CSRF token. Features declare a FormPage and put it in the route's
 * `config.form` (GET and POST alike); a handler or a service only throws (validation, AppError).
 */
export interface FormField {
  name: string;
  /** Strings key of the label. */
  label: string;
  type: 'text' | 'email' | 'password' | 'hidden' | 'radio' | 'textarea' | 'select' | 'date' | 'url' | 'file' | 'datetime-local';
  /** Strings key of a hint shown under the label. */
  hint?: string;
  required?: boolean;
  autocomplete?: string;
  maxlength?: number;
  /** Radio and select choices; labels are strings keys. */
  options?: { value: string; label: string }[];
  /** Choices that depend on the tenant (its sectors…) or on the page's data (FormPage.data), used instead of `options`. */
  optionsFor?: (tenant: Tenant, data: Record<string, unknown>) => { value: string; label: string }[];
  /** `inputmode` of a text input (numeric, decimal…) for mobile keyboards. */
  inputmode?: 'numeric' | 'decimal';
}

export interface FormPage {
  /** Used for per-form messages: `form.<id>.<field>.<kind>` wins over `fields.<field>.<kind>`. */
  id: string;
  /** Page template, e.g. pages/account/sign-up. */
  template: string;
  /** Strings key of the page title (and heading). */
  title: string;
  fields: FormField[];
  /**
   * Data the page needs at every rendering, the first and after a refused post alike (choices read
   * from the database…); merged under `state.data`.
   */
  data?: (request: FastifyRequest) => Promise<Record<string, unknown>>;
}

export interface FormState {
  values?: Record<string, unknown>;
  /** field → message (already French, or a strings key). */
  errors?: Record<string, string>;
  /** A message about the whole form (wrong credentials, expired link…): a strings key or text. */
  message?: string;
  status?: number;
  /** Extra data for the page template. */
  data?: Record<string, unknown>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The form this route shows (GET) or receives (POST). */
    form?: FormPage;
    /** `false` only for machine-to-machine POSTs that carry no cookie (e.g. a signed webhook). */
    csrf?: boolean;
    /** What the form's page shows besides the form (a person's name…), loaded again when a refused post re-renders it. */
    formData?: (request: FastifyRequest) => Promise<Record<string, unknown>>;
  }
  interface FastifyReply {
    /** Renders the route's form page (config.form) with values, errors and a fresh CSRF token. */
    form(state?: FormState): Promise<FastifyReply>;
    /** A CSRF token for a form of this page (hidden field `_csrf`), bound to the current session. */
    csrfToken(): string;
  }
}

const localizeFr = createRequire(import.meta.url)('ajv-i18n/localize/fr') as Localize;

/** Statuses for which a refused POST shows its form again rather than an error page. */
const FORM_STATUSES = new Set([400, 401, 403, 409, 422, 429]);

function translate(theme: Theme, keyOrText: string, params: Record<string, unknown> = {}): string {
  return keyOrText in theme.strings ? theme.t(keyOrText, params) : keyOrText;
}

/** Ajv issues → field → French message, preferring the strings file's wording for each field. */
export function validationMessages(theme: Theme, form: FormPage, error: FastifyError, body: Record<string, unknown>): Record<string, string> {
  localizeFr(error.validation as Parameters<Localize>[0]);
  const messages: Record<string, string> = {};
  for (const issue of error.validation ?? []) {
    const params = (issue.params ?? {}) as { missingProperty?: string; additionalProperty?: string };
    const field = params.missingProperty ?? params.additionalProperty ?? issue.instancePath.replace(/^\//, '').split('/')[0] ?? '';
    if (!field || messages[field]) continue;
    const value = body[field];
    const kind = params.missingProperty || value === '' || value === undefined ? 'required' : 'invalid';
    const keys = [`form.${form.id}.${field}.${kind}`, `fields.${field}.${kind}`, `form.${form.id}.${field}.invalid`, `fields.${field}.invalid`];
    const key = keys.find((k) => k in theme.strings);
    messages[field] = key ? theme.t(key) : (issue.message ?? theme.t('fields.invalid'));
  }
  return messages;
}

function isFormError(error: FastifyError | AppError): boolean {
  if ((error as FastifyError).validation) return true;
  const status = error.statusCode ?? 500;
  return FORM_STATUSES.has(status);
}

export default fp(
  async (app) => {
    await app.register(formbody, { bodyLimit: 64 * 1024 });

    // Fastify's Ajv stops at the first error; a form must report every field at once. Form routes get
    // Fastify's own Ajv settings plus allErrors (their bodies are small and every string is bounded).
    const formValidator = storableValuesOnly(AjvCompiler()({}, { customOptions: { allErrors: true } } as never) as never);
    app.addHook('onRoute', (route) => {
      if (route.config?.form && !route.validatorCompiler) route.validatorCompiler = formValidator as never;
    });

    // Form values are trimmed before validation (a pasted e-mail often carries a space), passwords excepted.
    app.addHook('preValidation', async (request) => {
      const form = request.routeOptions.config?.form;
      if (!form || !request.body || typeof request.body !== 'object') return;
      const body = request.body as Record<string, unknown>;
      for (const field of form.fields) {
        if (field.type !== 'password' && typeof body[field.name] === 'string') body[field.name] = (body[field.name] as string).trim();
      }
    });

    app.decorateReply('csrfToken', function (this: FastifyReply) {
      return this.generateCsrf({ userInfo: csrfUserInfo(this.request) });
    });

    app.decorateReply('form', async function (this: FastifyReply, state: FormState = {}) {
      const request = this.request;
      const form = request.routeOptions.config?.form;
      if (!form) throw new Error(`reply.form() sans config.form sur ${request.routeOptions.url}`);
      const theme = app.theme(request.tenant);
      const errors = Object.fromEntries(Object.entries(state.errors ?? {}).map(([field, text]) => [field, translate(theme, text)]));
      const values = state.values ?? {};
      const pageData = form.data ? await form.data(request) : {};
      const fields: Record<string, unknown> = {};
      const summary: { field: string; message: string; href: string }[] = [];
      for (const field of form.fields) {
        const id = `champ-${field.name.replace(/_/g, '-')}`;
        const error = errors[field.name];
        // Passwords are never sent back into a page, nor file parts.
        const raw = field.type === 'password' || field.type === 'file' ? '' : values[field.name];
        const value = raw === undefined || raw === null ? '' : String(raw);
        const hintId = field.hint ? `${id}-aide` : undefined;
        const errorId = error ? `${id}-erreur` : undefined;
        fields[field.name] = {
          ...field,
          id,
          value,
          label: theme.t(field.label),
          hint: field.hint ? theme.t(field.hint) : undefined,
          hintId,
          error,
          errorId,
          describedBy: [hintId, errorId].filter(Boolean).join(' ') || undefined,
          optionsFor: undefined,
          options: (field.optionsFor?.(request.tenant, pageData) ?? field.options)?.map((option, i) => ({
            value: option.value,
            label: theme.t(option.label),
            id: `${id}-${i + 1}`,
            checked: option.value === value,
          })),
        };
        if (error) summary.push({ field: field.name, message: error, href: `#${field.type === 'radio' ? `${id}-1` : id}` });
      }
      // Errors about fields the form does not show (should not happen) still reach the summary.
      for (const [field, message] of Object.entries(errors)) {
        if (!form.fields.some((f) => f.name === field)) summary.push({ field, message, href: '#resume-erreurs' });
      }
      const message = state.message ? translate(theme, state.message) : undefined;
      const hasErrors = summary.length > 0 || message !== undefined;
      const csrfToken = this.csrfToken();
      const title = theme.t(form.title);
      return this.code(state.status ?? 200).page(form.template, {
        meta: { title: hasErrors ? theme.t('form.errorTitle', { title }) : title, noindex: true },
        form: { id: form.id, csrfToken, fields, summary, message, hasErrors, heading: title },
        ...pageData,
        ...state.data,
      });
    });
  },
  { name: 'forms', dependencies: ['view', 'csrf'] },
);

/**
 * Called by the error handler: a refused POST (or GET) of a form route shows the form again, with the
 * typed values and the errors, under the error's status. Returns false when the error is not a form
 * error (the error page or JSON body then applies).
 */
export async function renderFormError(request: FastifyRequest, reply: FastifyReply, error: FastifyError | AppError): Promise<boolean> {
  const form = request.routeOptions.config?.form;
  if (!form || !request.tenant || request.url.startsWith('/api/') || !isFormError(error)) return false;
  const theme = request.server.theme(request.tenant);
  const body = request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
  const values = { ...(request.query as Record<string, unknown>), ...body };
  // The page's own data; when it cannot be loaded (another tenant's id…) the plain error page answers.
  const load = request.routeOptions.config?.formData;
  const data = load ? await load(request).catch(() => undefined) : undefined;
  if (load && !data) return false;
  const validation = (error as FastifyError).validation;
  if (validation) {
    await reply.form({ values, errors: validationMessages(theme, form, error as FastifyError, body), status: 400, data });
    return true;
  }
  const fields = error instanceof AppError ? error.fields : {};
  const code = error instanceof AppError ? error.code : ((error as FastifyError).code ?? 'BAD_REQUEST');
  const hasFieldErrors = Object.keys(fields).length > 0;
  await reply.form({
    data,
    values,
    errors: fields,
    message: hasFieldErrors ? undefined : (theme.strings[`errors.${code}`] ?? theme.t('errors.BAD_REQUEST')),
    status: error.statusCode,
  });
  return true;
}
