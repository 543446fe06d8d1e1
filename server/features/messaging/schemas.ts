import { Type, type Static } from '@sinclair/typebox';

// One schema, three uses: validation, types and the OpenAPI document of the messaging API.

const Uuid = Type.String({ format: 'uuid' });
const Csrf = Type.Optional(Type.String({ maxLength: 200 }));

export const ThreadIdParams = Type.Object({ id: Uuid });
export const MessageIdParams = Type.Object({ id: Uuid });
export const UserIdParams = Type.Object({ userId: Uuid });
export const ThreadUserParams = Type.Object({ id: Uuid, userId: Uuid });

/** The composer of the pages (multipart): text, a shared offer (its link or id), an attachment. */
export const ComposerBody = Type.Object({
  _csrf: Csrf,
  body: Type.Optional(Type.String({ maxLength: 5000 })),
  offre: Type.Optional(Type.String({ maxLength: 300 })),
  confirmer: Type.Optional(Type.Literal('oui')),
  piece: Type.Optional(Type.Unsafe<unknown>({})),
});
export type ComposerBody = Static<typeof ComposerBody>;

export const PollQuery = Type.Object({ apres: Type.Optional(Type.String({ format: 'date-time' })) });

export const SettingsBody = Type.Object({
  _csrf: Csrf,
  chaque_conversation: Type.Optional(Type.Literal('oui')),
  resume_quotidien: Type.Optional(Type.Literal('oui')),
});

export const CvContactQuery = Type.Object({ entreprise: Type.Optional(Uuid) });

// API v1

const Kind = Type.Union([Type.Literal('accompaniment'), Type.Literal('application'), Type.Literal('offer_partnership'), Type.Literal('cv_contact')], {
  description: '`accompaniment` (jeune ↔ conseillers), `application` (candidature), `offer_partnership` (entreprise ↔ équipe emploi), `cv_contact` (entreprise ↔ jeune de la CVthèque)',
});

export const ThreadSchema = Type.Object(
  {
    id: Uuid,
    kind: Kind,
    title: Type.String(),
    closed: Type.Boolean({ description: 'Lecture seule : accompagnement terminé, candidature close, offre terminée.' }),
    unread: Type.Integer({ description: 'Messages des autres participants non lus.' }),
    last_message_at: Type.String({ format: 'date-time' }),
    application_id: Type.Union([Uuid, Type.Null()]),
    offer_id: Type.Union([Uuid, Type.Null()]),
    young_user_id: Type.Union([Uuid, Type.Null()]),
    company_id: Type.Union([Uuid, Type.Null()]),
    my_side: Type.Union([Type.Literal('young'), Type.Literal('company'), Type.Literal('counsellor')]),
  },
);

export const MessageSchema = Type.Object(
  {
    id: Uuid,
    mine: Type.Boolean(),
    author: Type.Union([Type.Object({ id: Uuid, name: Type.String(), role: Type.String() }), Type.Null()], { description: 'null : compte supprimé.' }),
    created_at: Type.String({ format: 'date-time' }),
    state: Type.Union([Type.Literal('visible'), Type.Literal('hidden'), Type.Literal('deleted'), Type.Literal('blocked')], {
      description: '`hidden` : masqué par la modération ; `deleted` : « message supprimé » (compte supprimé) ; `blocked` : auteur bloqué par vous. Le contenu est alors absent.',
    }),
    body: Type.Union([Type.String(), Type.Null()]),
    offer: Type.Union([
      Type.Object({ id: Uuid, title: Type.String(), company: Type.Union([Type.String(), Type.Null()]), place: Type.Union([Type.String(), Type.Null()]), live: Type.Boolean() }),
      Type.Null(),
    ]),
    attachment: Type.Union([
      Type.Object({
        name: Type.String(),
        size: Type.Union([Type.Integer(), Type.Null()]),
        media_type: Type.Union([Type.String(), Type.Null()]),
        url: Type.Union([Type.String(), Type.Null()], { description: 'null une fois la pièce jointe supprimée (4 mois après la clôture).' }),
      }),
      Type.Null(),
    ]),
    read_by: Type.Array(Type.String(), { description: 'Accompagnement : qui a lu votre message.' }),
    read_by_company: Type.Boolean({ description: 'Candidature et CVthèque : « lu par l’entreprise » (pour le jeune et les conseillers).' }),
  },
);

export const ThreadListResponse = Type.Object({ threads: Type.Array(ThreadSchema) });
export const ThreadResponse = Type.Object({ thread: ThreadSchema, can_post: Type.Boolean(), messages: Type.Array(MessageSchema) });

const Warnings = Type.Array(Type.Union([Type.Literal('nir'), Type.Literal('iban')]), {
  description: 'Le message semble contenir un numéro de sécurité sociale (NIR) ou un IBAN : il est envoyé, l’application devrait avertir avant.',
});

export const PostedResponse = Type.Object({ thread: ThreadSchema, message: MessageSchema, warnings: Warnings });

const MessageFields = {
  body: Type.Optional(Type.String({ maxLength: 5000, description: 'Texte brut ; les liens sont rendus cliquables.' })),
  shared_offer_id: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'Une offre en ligne du site, partagée sous forme de carte.' })),
};

export const StartThreadBody = Type.Object(
  {
    kind: Kind,
    young_user_id: Type.Optional(Uuid),
    application_id: Type.Optional(Uuid),
    offer_id: Type.Optional(Uuid),
    company_id: Type.Optional(Uuid),
    ...MessageFields,
  },
  {
    additionalProperties: false,
    description:
      'Objet de la conversation : `accompaniment` (young_user_id pour un conseiller ; le jeune écrit au sien), `application` (application_id), ' +
      '`offer_partnership` (offer_id), `cv_contact` (young_user_id et, si vous êtes membre de plusieurs entreprises, company_id). ' +
      'Une conversation existante reçoit le message. Pas de prise de contact à froid : 404 si vous ne pouvez pas écrire à ce sujet.',
  },
);
export type StartThreadBody = Static<typeof StartThreadBody>;

/** JSON, or multipart/form-data with the same text fields and the file `piece` (PDF, PNG, JPEG, WebP, 5 Mo au plus). */
export const PostMessageBody = Type.Object({ ...MessageFields, piece: Type.Optional(Type.Unsafe<unknown>({ description: 'multipart : le fichier joint' })) });
export type PostMessageBody = Static<typeof PostMessageBody>;

export const AfterQuery = Type.Object({ after: Type.Optional(Type.String({ format: 'date-time', description: 'Seulement les messages postérieurs (rafraîchissement).' })) });

export const BlockBody = Type.Object(
  { thread_id: Uuid },
  { additionalProperties: false, description: 'La conversation où vous avez rencontré cette personne (on ne bloque qu’un participant).' },
);

export const NotificationSettingsSchema = Type.Object(
  {
    each_thread: Type.Boolean({ description: 'Un e-mail par conversation (au plus un toutes les 30 minutes ; pour les mineurs, jamais entre 21 h et 8 h).' }),
    daily_digest: Type.Boolean({ description: 'Un résumé quotidien à 8 h.' }),
  },
  { additionalProperties: false },
);
