import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

interface AjvIssue {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

type Validate = ((data: unknown, context?: unknown) => boolean) & { errors?: AjvIssue[] | null; schemaEnv?: unknown };
type ValidatorCompiler = (route: { schema: unknown; method: string; url: string; httpPart?: string }) => Validate;

/** Where a validated value holds what PostgreSQL cannot take: ±Infinity, NaN, or a NUL character. */
function unstorable(value: unknown, path = ''): AjvIssue[] {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return [{ instancePath: path, schemaPath: '#/type', keyword: 'type', params: { type: 'number' }, message: 'must be a finite number' }];
  }
  if (typeof value === 'string' && value.includes('\u0000')) {
    return [{ instancePath: path, schemaPath: '#/pattern', keyword: 'pattern', params: { pattern: '^[^\\u0000]*$' }, message: 'must not contain NUL' }];
  }
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => unstorable(item, `${path}/${key}`));
}

/**
 * Ajv turns a query or form string such as "1e309" into Infinity when it coerces types, and then skips
 * `minimum`/`maximum` (they only test finite numbers), so `?per_page=1e309` used to reach the handler
 * and answer 500; a NUL character passes any string schema and then fails in PostgreSQL. Every
 * validator of the app is wrapped: a value that passed Ajv but holds one of these fails on that field
 * (400, field named, like any other validation error).
 */
export function storableValuesOnly(compile: ValidatorCompiler): ValidatorCompiler {
  return (route) => {
    const validate = compile(route);
    const wrapped: Validate = function (this: unknown, data, context) {
      if (!validate.call(this, data, context)) {
        wrapped.errors = validate.errors;
        return false;
      }
      const issues = unstorable(data);
      wrapped.errors = issues.length > 0 ? issues : null;
      return issues.length === 0;
    };
    // Fastify hands Ajv validators the request as parent so they may replace a coerced root value.
    wrapped.schemaEnv = validate.schemaEnv;
    return wrapped;
  };
}

const fastifyValidators = AjvCompiler();

/**
 * Fastify's own Ajv compiler (same defaults, same cache), behind storableValuesOnly. Fastify then treats
 * it as a custom compiler, which only means that `headers` schemas are not lower-cased for us: the app
 * declares none (write their property names in lower case if one is added).
 */
export const schemaController: FastifyServerOptions['schemaController'] = {
  compilersFactory: {
    buildValidator: ((externalSchemas: unknown, ajvOptions: unknown) =>
      storableValuesOnly(fastifyValidators(externalSchemas as never, ajvOptions as never) as never)) as never,
  },
};
