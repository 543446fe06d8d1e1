/**
 * THE field mapping between the board's offer and the formats offers travel in (issue #17, item 3):
 * schema.org JobPosting (JSON-LD on careers pages, in and out), the aggregator XML feed
 * (`<source><job>…`, in and out), France Travail's partner file (pipe-delimited columns, in and out),
 * France Travail's Offres v2 API (documentation of the correspondence; no client), and the
 * documented CSV (in). Every reader and writer of server/features/feeds/ and the offers' JSON-LD read
 * their names here; nothing is repeated per format. `vocabulary.ts` beside it maps the values (contract
 * words, units, experience levels…).
 *
 * Sources: schema.org/JobPosting and Google's guide; the common aggregator feed shape; the partner
 * columns as La Bonne Alternance flattens France Travail's XSD (mission-apprentissage/labonnealternance,
 * server/src/jobs/partenaireExport/, the official XSD is not public); France Travail's Offres
 * d'emploi v2 reference.
 */

/** How a value is written and read in each format (codecs in features/feeds/formats/values.ts). */
export type ValueKind =
  | 'text'
  | 'html'
  | 'date'
  | 'datetime'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'licence'
  | 'contract'
  | 'contract_nature'
  | 'working_time'
  | 'hours'
  | 'salary_unit'
  | 'salary_text'
  | 'experience'
  | 'housing'
  | 'department'
  | 'country'
  | 'movement';

export const OFFER_FIELDS = [
  'reference',
  'title',
  'description_html',
  'contract',
  'contract_nature',
  'working_time',
  'hours_per_week',
  'start_date',
  'end_date',
  'contract_months',
  'commune_insee',
  'postal_code',
  'place_name',
  'department',
  'country',
  'latitude',
  'longitude',
  'rome_code',
  'ogr_code',
  'ogr_label',
  'sector',
  'salary',
  'salary_min',
  'salary_max',
  'salary_unit',
  'salary_currency',
  'housing',
  'experience',
  'driving_licence',
  'offer_url',
  'apply_url',
  'apply_email',
  'published_at',
  'updated_at',
  'expires_at',
  'company_name',
  'company_siret',
  'company_naf',
  'positions',
  'export_consent',
  'movement',
  'partner_key',
  'partner_name',
] as const;
export type OfferField = (typeof OFFER_FIELDS)[number];

export interface FieldRow {
  field: OfferField;
  kind: ValueKind;
  /** What it is, in French (README table, feed-health messages). */
  label: string;
  /** Dotted path in a schema.org JobPosting. */
  schemaOrg?: string;
  /** Element under `<job>` in the aggregator XML feed. */
  xml?: string;
  /** Column(s) of France Travail's partner file; hours take two (hours, minutes), the licence two (code, requirement). */
  partnerFile?: string | readonly [string, string];
  /** Field of France Travail's Offres v2 API (documentation of the correspondence). */
  franceTravailApi?: string;
  /** Header of the documented CSV import. */
  csv?: string;
}

export const FIELD_MAP: readonly FieldRow[] = [
  { field: 'reference', kind: 'text', label: 'Référence de l’offre chez l’émetteur', schemaOrg: 'identifier.value', xml: 'referencenumber', partnerFile: 'Par_ref_offre', franceTravailApi: 'id', csv: 'reference' },
  { field: 'partner_key', kind: 'text', label: 'Clé du partenaire France Travail', partnerFile: 'Par_cle' },
  { field: 'partner_name', kind: 'text', label: 'Nom du partenaire (le site)', partnerFile: 'Par_nom', franceTravailApi: 'origineOffre.partenaires.nom' },
  { field: 'offer_url', kind: 'text', label: 'Adresse de l’offre en ligne', schemaOrg: 'url', xml: 'url', partnerFile: 'Par_URL_offre', franceTravailApi: 'origineOffre.urlOrigine', csv: 'url' },
  { field: 'title', kind: 'text', label: 'Intitulé du poste', schemaOrg: 'title', xml: 'title', franceTravailApi: 'intitule', csv: 'titre' },
  { field: 'rome_code', kind: 'text', label: 'Code ROME du métier', schemaOrg: 'occupationalCategory', xml: 'rome', partnerFile: 'Code_rome', franceTravailApi: 'romeCode', csv: 'code_rome' },
  { field: 'ogr_code', kind: 'integer', label: 'Code OGR de l’appellation ROME', partnerFile: 'Code_OGR', csv: 'code_ogr' },
  { field: 'ogr_label', kind: 'text', label: 'Appellation ROME', partnerFile: 'Libelle_metier_OGR', franceTravailApi: 'appellationlibelle' },
  { field: 'description_html', kind: 'html', label: 'Description', schemaOrg: 'description', xml: 'description', partnerFile: 'Description', franceTravailApi: 'description', csv: 'description' },
  { field: 'experience', kind: 'experience', label: 'Expérience demandée', schemaOrg: 'experienceRequirements.monthsOfExperience', xml: 'experience', partnerFile: 'Exp_cle', franceTravailApi: 'experienceExige', csv: 'experience' },
  { field: 'company_naf', kind: 'text', label: 'Code NAF de l’employeur', partnerFile: 'SCN_cle', franceTravailApi: 'codeNAF' },
  { field: 'salary', kind: 'salary_text', label: 'Salaire (texte)', xml: 'salary', franceTravailApi: 'salaire.libelle' },
  { field: 'salary_unit', kind: 'salary_unit', label: 'Unité du salaire', schemaOrg: 'baseSalary.value.unitText', partnerFile: 'TSA_cle', csv: 'salaire_unite' },
  { field: 'salary_min', kind: 'number', label: 'Salaire minimum brut', schemaOrg: 'baseSalary.value.minValue', partnerFile: 'Off_salaire_min', csv: 'salaire_min' },
  { field: 'salary_max', kind: 'number', label: 'Salaire maximum brut', schemaOrg: 'baseSalary.value.maxValue', partnerFile: 'Off_salaire_max', csv: 'salaire_max' },
  { field: 'salary_currency', kind: 'text', label: 'Devise du salaire', schemaOrg: 'baseSalary.currency', partnerFile: 'UMO_cle' },
  { field: 'hours_per_week', kind: 'hours', label: 'Durée hebdomadaire (heures et minutes)', schemaOrg: 'workHours', xml: 'hours', partnerFile: ['Off_travail_hebdo_nb_hh', 'Off_travail_hebdo_nb_mi'], franceTravailApi: 'dureeTravailLibelle', csv: 'heures_hebdo' },
  { field: 'working_time', kind: 'working_time', label: 'Temps plein ou partiel', schemaOrg: 'employmentType', franceTravailApi: 'dureeTravailLibelleConverti', csv: 'temps_travail' },
  { field: 'contract_nature', kind: 'contract_nature', label: 'Nature du contrat (France Travail)', partnerFile: 'NTC_cle', franceTravailApi: 'natureContrat' },
  { field: 'contract', kind: 'contract', label: 'Type de contrat', schemaOrg: 'employmentType', xml: 'jobtype', partnerFile: 'TCO_cle', franceTravailApi: 'typeContrat', csv: 'contrat' },
  { field: 'contract_months', kind: 'integer', label: 'Durée du contrat en mois', partnerFile: 'Off_contrat_duree_MO' },
  { field: 'postal_code', kind: 'text', label: 'Code postal du lieu de travail', schemaOrg: 'jobLocation.address.postalCode', xml: 'postalcode', partnerFile: 'CPO_cle', franceTravailApi: 'lieuTravail.codePostal', csv: 'code_postal' },
  { field: 'commune_insee', kind: 'text', label: 'Code INSEE de la commune', xml: 'insee', partnerFile: 'COM_cle', franceTravailApi: 'lieuTravail.commune', csv: 'code_insee' },
  { field: 'place_name', kind: 'text', label: 'Commune', schemaOrg: 'jobLocation.address.addressLocality', xml: 'city', partnerFile: 'COM_libelle', franceTravailApi: 'lieuTravail.libelle', csv: 'commune' },
  { field: 'department', kind: 'department', label: 'Département (code ou nom)', schemaOrg: 'jobLocation.address.addressRegion', xml: 'state', partnerFile: 'DEP_cle' },
  { field: 'country', kind: 'country', label: 'Pays', schemaOrg: 'jobLocation.address.addressCountry', xml: 'country', partnerFile: 'Pay_libelle' },
  { field: 'latitude', kind: 'number', label: 'Latitude', schemaOrg: 'jobLocation.geo.latitude', xml: 'latitude', partnerFile: 'Coordonnee_geo_loc_1', franceTravailApi: 'lieuTravail.latitude' },
  { field: 'longitude', kind: 'number', label: 'Longitude', schemaOrg: 'jobLocation.geo.longitude', xml: 'longitude', partnerFile: 'Coordonnee_geo_loc_2', franceTravailApi: 'lieuTravail.longitude' },
  { field: 'driving_licence', kind: 'licence', label: 'Permis B demandé', xml: 'drivinglicence', partnerFile: ['PCO_cle_1', 'PCO_exi_cle_1'], franceTravailApi: 'permis', csv: 'permis' },
  { field: 'published_at', kind: 'datetime', label: 'Date de publication', schemaOrg: 'datePosted', xml: 'date', partnerFile: 'Off_date_creation', franceTravailApi: 'dateCreation', csv: 'date_publication' },
  { field: 'updated_at', kind: 'datetime', label: 'Date de modification', partnerFile: 'Off_date_modification', franceTravailApi: 'dateActualisation' },
  { field: 'expires_at', kind: 'datetime', label: 'Fin de publication', schemaOrg: 'validThrough', xml: 'expirationdate', partnerFile: 'Off_date_fin_publication', csv: 'date_fin_publication' },
  { field: 'positions', kind: 'integer', label: 'Nombre de postes', partnerFile: 'OST_poste_restant_nb', franceTravailApi: 'nombrePostes' },
  { field: 'company_siret', kind: 'text', label: 'SIRET de l’employeur', partnerFile: 'Off_etab_siret' },
  { field: 'company_name', kind: 'text', label: 'Employeur', schemaOrg: 'hiringOrganization.name', xml: 'company', partnerFile: 'Off_etab_enseigne', franceTravailApi: 'entreprise.nom' },
  { field: 'movement', kind: 'movement', label: 'Mouvement (C création, M modification, S suppression)', partnerFile: 'Type_mouvement' },
  { field: 'start_date', kind: 'date', label: 'Date de début', schemaOrg: 'jobStartDate', xml: 'startdate', partnerFile: 'Date_debut_contrat', csv: 'date_debut' },
  { field: 'end_date', kind: 'date', label: 'Date de fin', xml: 'enddate', csv: 'date_fin' },
  { field: 'apply_email', kind: 'text', label: 'E-mail de candidature', schemaOrg: 'applicationContact.email', xml: 'email', partnerFile: 'Mail_correspondant', franceTravailApi: 'contact.courriel', csv: 'email_candidature' },
  { field: 'apply_url', kind: 'text', label: 'Adresse de candidature', xml: 'applyurl', franceTravailApi: 'contact.urlPostulation', csv: 'url_candidature' },
  { field: 'export_consent', kind: 'boolean', label: 'Diffusion consentie par l’employeur', partnerFile: 'Mode_diffusion', csv: 'diffusion' },
  { field: 'housing', kind: 'housing', label: 'Logement', xml: 'housing', csv: 'logement' },
  { field: 'sector', kind: 'text', label: 'Secteur du site', schemaOrg: 'industry', xml: 'category', franceTravailApi: 'secteurActiviteLibelle', csv: 'secteur' },
];

export type FormatName = 'schemaOrg' | 'xml' | 'partnerFile' | 'franceTravailApi' | 'csv';

/** The rows a format carries, in table order (the order of the partner file's and the CSV's columns). */
export function rowsOf(format: FormatName): FieldRow[] {
  return FIELD_MAP.filter((row) => row[format] !== undefined);
}

/** Name in a format → row, for readers (XML elements, CSV and partner headers). Lower-cased for XML and CSV. */
export function rowsByName(format: 'xml' | 'csv' | 'partnerFile'): Map<string, FieldRow> {
  const map = new Map<string, FieldRow>();
  for (const row of rowsOf(format)) {
    const names = row[format]!;
    for (const name of typeof names === 'string' ? [names] : names) map.set(format === 'partnerFile' ? name : name.toLowerCase(), row);
  }
  return map;
}

/** The partner file's columns, in order (hours give two). */
export function partnerColumns(): string[] {
  return rowsOf('partnerFile').flatMap((row) => (typeof row.partnerFile === 'string' ? [row.partnerFile] : [...row.partnerFile!]));
}

/** The documented CSV's header, in order. */
export function csvColumns(): string[] {
  return rowsOf('csv').map((row) => row.csv!);
}
