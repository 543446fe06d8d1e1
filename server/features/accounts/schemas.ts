import { Type, type Static } from '@sinclair/typebox';
import { LINK_TOKEN_PATTERN } from './link-tokens.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, SELF_SERVICE_ROLES } from './policy.js';

// One schema, three uses: validation, TypeScript types, and (later) the OpenAPI document.
// Unknown fields are removed (Fastify's Ajv runs with removeAdditional): a `role: "admin"` or a
// `tenant_id` slipped into a body never reaches a service.

const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254, description: 'Adresse e-mail (insensible à la casse)' });
/** Any length at log-in (a password set elsewhere may be longer), bounded to keep argon2's input sane. */
const AnyPassword = Type.String({ minLength: 1, maxLength: 1024 });
const NewPassword = Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH });
const DisplayName = Type.String({ minLength: 2, maxLength: 80, pattern: '\\S' });
/** Hidden form field read by the CSRF hook before validation. */
const Csrf = Type.Optional(Type.String({ maxLength: 200 }));
const ReturnPath = Type.Optional(Type.String({ maxLength: 500 }));
const LinkToken = Type.String({ pattern: LINK_TOKEN_PATTERN });

export const SignUpBody = Type.Object(
  {
    display_name: DisplayName,
    email: Email,
    password: NewPassword,
    role: Type.Union([Type.Literal(SELF_SERVICE_ROLES[0]), Type.Literal(SELF_SERVICE_ROLES[1])]),
    /** Asked on youth boards (YYYY-MM-DD); empty elsewhere. */
    birth_date: Type.Optional(Type.Union([Type.Literal(''), Type.String({ format: 'date' })])),
    _csrf: Csrf,
  },
  { additionalProperties: false },
);
export type SignUpBody = Static<typeof SignUpBody>;

export const LogInBody = Type.Object({ email: Email, password: AnyPassword, retour: ReturnPath, _csrf: Csrf }, { additionalProperties: false });
export type LogInBody = Static<typeof LogInBody>;

export const LogInQuery = Type.Object({ retour: ReturnPath, info: Type.Optional(Type.String({ maxLength: 40 })) });

export const EmailBody = Type.Object({ email: Email, _csrf: Csrf }, { additionalProperties: false });

export const LinkQuery = Type.Object({ jeton: Type.String({ maxLength: 100 }) });

export const NewPasswordBody = Type.Object({ jeton: LinkToken, password: NewPassword, _csrf: Csrf }, { additionalProperties: false });

export const ChangePasswordBody = Type.Object(
  { current_password: AnyPassword, new_password: NewPassword, _csrf: Csrf },
  { additionalProperties: false },
);

export const CsrfOnlyBody = Type.Object({ _csrf: Csrf }, { additionalProperties: false });

// API v1

export const TokenRequest = Type.Object(
  { email: Email, password: AnyPassword },
  { additionalProperties: false, description: 'Identifiants d’un compte de ce site (le tenant est celui du nom d’hôte).' },
);
export type TokenRequest = Static<typeof TokenRequest>;

export const TokenResponse = Type.Object(
  {
    access_token: Type.String({ description: 'JWT à envoyer dans `Authorization: Bearer …`, valable sur ce site uniquement.' }),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer({ description: 'Durée de validité en secondes.' }),
  },
);

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ examples: ['INVALID_CREDENTIALS'] }),
      message: Type.String(),
      fields: Type.Record(Type.String(), Type.String()),
    }),
  },
);

export const MeResponse = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  display_name: Type.String(),
  role: Type.Union([Type.Literal('candidate'), Type.Literal('employer'), Type.Literal('counsellor'), Type.Literal('admin')]),
  tenant: Type.String(),
});
