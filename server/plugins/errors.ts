import fp from 'fastify-plugin';
import { createRequire } from 'node:module';
import type { Localize } from 'ajv-i18n/localize/types.js';
import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { AppError } from '../errors.js';
import { renderFormError } from './forms.js';

interface ErrorBody {
  code: string;
  message: string;
  fields: Record<string, string>;
}

// A CommonJS function export whose typings declare a default export: loaded with require.
const localizeFr = createRequire(import.meta.url)('ajv-i18n/localize/fr') as Localize;

// PostgreSQL down, crashed, restarting or out of connections: the request may succeed later (503, not 500).
// 57P01/57P02: server shutting down or crashed; 57P03: starting up or in recovery; 53300: too many connections.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '53300']);
const databaseUnavailable = (error: Error & { code?: string }) =>
  UNAVAILABLE_CODES.has(error.code ?? '') ||
  // node-postgres' own messages, without a code: a pool that cannot connect, a connection lost mid-transaction.
  /timeout exceeded when trying to connect|Connection terminated|connection error and is not queryable/.test(error.message);

const isApi = (request: FastifyRequest) => request.url.startsWith('/api/');

/** Our error body, in French, for what fails before any route or tenant is known. */
const protocolError = (code: string, message: string) => JSON.stringify({ error: { code, message, fields: {} } });

/**
 * A request Node could not even parse (bad bytes in the request line, headers too large, too slow): the
 * answer Fastify would write, with our `{error:{code,message,fields}}` body instead of its English one.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection is gone: nothing to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, body] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, protocolError('REQUEST_TIMEOUT', 'Requête trop lente : délai dépassé')]
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, protocolError('HEADERS_TOO_LARGE', 'En-têtes de la requête trop volumineux')]
        : [400, protocolError('BAD_REQUEST', 'Requête HTTP invalide')];
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** An address that is not valid percent-encoding, or a path segment over maxParamLength: before routing. */
export const frameworkErrors: FastifyServerOptions['frameworkErrors'] = (error, _request, reply) => {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  (reply as FastifyReply)
    .code(tooLong ? 414 : 400)
    .header('content-type', 'application/json; charset=utf-8')
    .send(tooLong ? protocolError('URL_TOO_LONG', 'Adresse trop longue') : protocolError('BAD_URL', 'Adresse invalide'));
};

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

    // A NUL character is never part of a real address, and PostgreSQL refuses it in any text: stop before
    // the handler, also on routes whose parameters have no schema (after onRequest: the tenant is known).
    app.addHook('preValidation', async (request) => {
      if (/%00/i.test(request.url)) throw new AppError('BAD_URL', 400);
    });

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
