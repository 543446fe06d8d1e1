import fp from 'fastify-plugin';
import { createRequire } from 'node:module';
import type { Localize } from 'ajv-i18n/localize/types.js';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { renderFormError } from './forms.js';

interface ErrorBody {
  code: string;
  message: string;
  fields: Record<string, string>;
}

// A CommonJS function export whose typings declare a default export: loaded with require.
const localizeFr = createRequire(import.meta.url)('ajv-i18n/localize/fr') as Localize;

// PostgreSQL down, restarting or out of connections: the request may succeed later (503, not 500).
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '53300']);
const databaseUnavailable = (error: Error & { code?: string }) =>
  UNAVAILABLE_CODES.has(error.code ?? '') || /timeout exceeded when trying to connect|Connection terminated/.test(error.message);

const isApi = (request: FastifyRequest) => request.url.startsWith('/api/');

/** `/radius_km` or `body/email` → `radius_km` / `email`; missing properties name the missing field. */
function validationFields(error: FastifyError): Record<string, string> {
  const fields: Record<string, string> = {};
  // Ajv's messages are English; the users of these boards read French.
  localizeFr(error.validation as Parameters<Localize>[0]);
  for (const issue of error.validation ?? []) {
    const missing = (issue.params as { missingProperty?: string; additionalProperty?: string }) ?? {};
    const name =
      missing.missingProperty ?? missing.additionalProperty ?? issue.instancePath.replace(/^\//, '').replace(/\//g, '.') ?? '';
    fields[name || (error.validationContext ?? 'request')] = issue.message ?? 'invalide';
  }
  return fields;
}

/**
 * One place maps errors to HTTP: API clients get `{error:{code,message,fields}}`, browsers the tenant's
 * error page. Messages come from the strings file; 5xx never show the exception (no stack, no SQL).
 */
export default fp(
  async (app) => {
    function send(request: FastifyRequest, reply: FastifyReply, status: number, body: ErrorBody) {
      if (isApi(request) || !request.tenant) return reply.code(status).send({ error: body });
      const theme = app.theme(request.tenant);
      const hintKey = `errorPage.hint.${status}`;
      const hint = theme.strings[hintKey] ?? theme.t('errorPage.hint.default');
      // A refused publication says where to pay (billing's "Adhésion" page).
      const action = body.code === 'MEMBERSHIP_REQUIRED' ? { href: '/compte/entreprise/adhesion', label: theme.t('billing.refusal.link') } : undefined;
      return reply.code(status).page('pages/error', { meta: { title: body.message, noindex: true }, status, hint, error: body, action });
    }

    function message(request: FastifyRequest, code: string, fallback: string): string {
      if (!request.tenant) return fallback;
      return app.theme(request.tenant).strings[`errors.${code}`] ?? fallback;
    }

    /** Field problems may be strings keys (`fields.password.common`): shown in French. */
    function fieldMessages(request: FastifyRequest, fields: Record<string, string>): Record<string, string> {
      if (!request.tenant) return fields;
      const strings = app.theme(request.tenant).strings;
      return Object.fromEntries(Object.entries(fields).map(([field, text]) => [field, strings[text] ?? text]));
    }

    app.setErrorHandler(async (error: FastifyError, request, reply) => {
      // A refused form post shows its form again, with what was typed and the errors next to the fields.
      if (await renderFormError(request, reply, error)) return reply;
      if (error instanceof AppError) {
        return send(request, reply, error.statusCode, {
          code: error.code,
          message: message(request, error.code, error.code),
          fields: fieldMessages(request, error.fields),
        });
      }
      if (error.validation) {
        const fields = validationFields(error);
        return send(request, reply, 400, {
          code: 'VALIDATION_FAILED',
          message: message(request, 'VALIDATION_FAILED', `Paramètre invalide : ${Object.keys(fields).join(', ')}`),
          fields,
        });
      }
      if (databaseUnavailable(error) || error.statusCode === 503) {
        // Under-pressure has already set Retry-After when it shed this request.
        if (error.statusCode !== 503) request.log.error({ err: error }, 'database unavailable');
        reply.header('retry-after', String(reply.getHeader('retry-after') ?? 5));
        return send(request, reply, 503, { code: 'UNAVAILABLE', message: message(request, 'UNAVAILABLE', 'Service momentanément indisponible'), fields: {} });
      }
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
      if (status >= 500) {
        request.log.error({ err: error }, 'request failed');
        return send(request, reply, status, { code: 'INTERNAL', message: message(request, 'INTERNAL', 'Erreur interne'), fields: {} });
      }
      // Fastify's own 4xx (body too large, bad content type…): code is safe to show, message is English.
      const code = error.code ?? 'BAD_REQUEST';
      return send(request, reply, status, { code, message: message(request, code, error.message), fields: {} });
    });

    app.setNotFoundHandler((request, reply) =>
      send(request, reply, 404, { code: 'NOT_FOUND', message: message(request, 'NOT_FOUND', 'Page introuvable'), fields: {} }),
    );
  },
  { name: 'errors' },
);
