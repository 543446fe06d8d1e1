import type { CompanyTemplate } from './catalogue.js';

/**
 * Demo needs of the boards with shared time (issue #14): enough for the engine to find the worked
 * examples of shared/SHARED-TIME.md on a living board (a winter/summer bundle, a 35 h agri-food week,
 * shared nurses, a pair of social workers that calls for a complement, an evening-show week) and to
 * explain the needs that fit nothing (a clash on the road, competitors, too far, too many hours).
 */
export interface NeedTemplate {
  /** Stable identity of the need (its id derives from it). */
  key: string;
  /** A company of the tenant's catalogue or of `extraCompanies`. */
  company: string;
  title: string;
  rome: string;
  sites: { insee: string; label?: string }[];
  /** `slots` as planners write them: `mon-wed 05:00-12:00`, `@1` for the second site. */
  periods: { from: string; to: string; slots: string[] }[];
  licences?: string[];
  commitmentMonths: number;
  wage: number;
  replaced: number;
  status: 'draft' | 'validated';
  notes?: string;
}

export interface SharedTimeSeed {
  /** Companies the tenant's offer catalogue does not have (a public body, the groupement itself…). */
  extraCompanies: CompanyTemplate[];
  members: { company: string; publicBody?: boolean; employerGroup?: boolean; competitors?: string[] }[];
  needs: NeedTemplate[];
}

const ALL_YEAR = { from: '01-01', to: '12-31' };

export const SHARED_TIME_SEEDS: Record<string, SharedTimeSeed> = {
  montagne: {
    extraCompanies: [
      { name: 'Remontées mécaniques du Pléney', sector: 'remontees-mecaniques', naf: '49.39C', headcount: 110, commune: '74191', description: 'Exploitation des remontées du Pléney à Morzine, porte d’entrée des Portes du Soleil.' },
      { name: 'Communauté de communes du Haut-Chablais', sector: 'amenagement-montagne', naf: '84.11Z', headcount: 45, commune: '74034', description: 'Intercommunalité de la vallée d’Aulps : voirie, espaces verts, déneigement et équipements touristiques.' },
      { name: 'Groupement d’employeurs Atout Saison', sector: 'services-station', naf: '78.30Z', headcount: 6, commune: '74191', description: 'Groupement d’employeurs du Haut-Chablais : des CDI annualisés qui enchaînent saison d’hiver et saison d’été.' },
      { name: 'Bureau des guides du Haut-Chablais', sector: 'ecoles-de-ski', naf: '85.51Z', headcount: 7, commune: '74191', description: 'Guides et accompagnateurs en montagne : randonnées, via ferrata et canyoning de juin à septembre.' },
    ],
    members: [
      { company: 'Communauté de communes du Haut-Chablais', publicBody: true },
      { company: 'Groupement d’employeurs Atout Saison', employerGroup: true },
    ],
    needs: [
      { key: 'pleney-lifts', company: 'Remontées mécaniques du Pléney', title: 'Conducteur de télésiège', rome: 'N4402', sites: [{ insee: '74191', label: 'Départ du Pléney' }], periods: [{ from: '12-15', to: '04-15', slots: ['mon-fri 08:30-15:30'] }], commitmentMonths: 5, wage: 12.6, replaced: 3, status: 'validated' },
      { key: 'cc-green-spaces', company: 'Communauté de communes du Haut-Chablais', title: 'Agent des espaces verts', rome: 'A1203', sites: [{ insee: '74134', label: 'Centre technique' }], periods: [{ from: '05-15', to: '10-31', slots: ['mon-fri 07:30-12:00', 'mon-fri 13:00-15:30'] }], licences: ['permis-b'], commitmentMonths: 6, wage: 12.9, replaced: 2, status: 'validated' },
      { key: 'pleney-overhaul', company: 'Remontées mécaniques du Pléney', title: 'Mécanicien, révision des remontées', rome: 'I1310', sites: [{ insee: '74191', label: 'Atelier' }], periods: [{ from: '11-01', to: '12-14', slots: ['mon-thu 08:00-13:00'] }], licences: ['habilitation-electrique'], commitmentMonths: 2, wage: 14.2, replaced: 1, status: 'validated' },
      { key: 'cc-snow-clearing', company: 'Communauté de communes du Haut-Chablais', title: 'Agent de déneigement', rome: 'I1202', sites: [{ insee: '74034', label: 'Centre technique' }], periods: [{ from: '12-01', to: '03-31', slots: ['mon-fri 05:00-09:00'] }], licences: ['permis-c'], commitmentMonths: 4, wage: 13.1, replaced: 2, status: 'validated' },
      { key: 'houches-lifts', company: 'Remontées mécaniques des Houches', title: 'Agent d’exploitation des remontées', rome: 'N4402', sites: [{ insee: '74143' }], periods: [{ from: '12-15', to: '04-15', slots: ['mon-fri 08:30-15:30'] }], commitmentMonths: 5, wage: 12.5, replaced: 4, status: 'validated' },
      { key: 'panorama-housekeeping', company: 'Hôtel Mont-Blanc Panorama', title: 'Employé d’étage, saison d’été', rome: 'G1501', sites: [{ insee: '74056' }], periods: [{ from: '05-15', to: '10-15', slots: ['mon-fri 07:00-14:00'] }], commitmentMonths: 5, wage: 12.3, replaced: 3, status: 'validated' },
      { key: 'guides-summer', company: 'Bureau des guides du Haut-Chablais', title: 'Accueil du bureau des guides', rome: 'G1201', sites: [{ insee: '74191' }], periods: [{ from: '06-15', to: '09-15', slots: ['tue,thu,sat 08:30-17:00'] }], commitmentMonths: 3, wage: 12.4, replaced: 2, status: 'validated' },
      { key: 'ride-shop-bike-park', company: 'Les Gets Ride Shop', title: 'Mécanicien cycles du bike park', rome: 'I1310', sites: [{ insee: '74134' }], periods: [{ from: '06-15', to: '09-15', slots: ['mon,wed,fri 09:00-13:00'] }], commitmentMonths: 3, wage: 12.2, replaced: 1, status: 'draft', notes: 'À confirmer : horaires du bike park de l’été prochain.' },
    ],
  },
  'ge-occitanie': {
    extraCompanies: [],
    members: [
      { company: 'Groupement d’employeurs Aveyron-Lozère', employerGroup: true },
      { company: 'Centre hospitalier de Marvejols', publicBody: true },
      { company: 'Centre communal d’action sociale de Marvejols', publicBody: true },
      { company: 'Laiterie coopérative du Lévézou', competitors: ['Fromagerie du Lac de Pareloup'] },
    ],
    needs: [
      { key: 'laiterie-line', company: 'Laiterie coopérative du Lévézou', title: 'Conduite de ligne, atelier fromage', rome: 'H2102', sites: [{ insee: '12185', label: 'Atelier de fabrication' }], periods: [{ ...ALL_YEAR, slots: ['mon-wed 05:00-12:00'] }], licences: ['haccp'], commitmentMonths: 24, wage: 12.9, replaced: 6, status: 'draft' },
      { key: 'plasturgie-line', company: 'Plasturgie du Ruthénois', title: 'Conduite de presses à injecter', rome: 'H3203', sites: [{ insee: '12176' }], periods: [{ ...ALL_YEAR, slots: ['thu-fri 06:00-13:00'] }], commitmentMonths: 12, wage: 13.4, replaced: 4, status: 'draft' },
      { key: 'causses-peak', company: 'Causses & Terroirs en ligne', title: 'Préparation de commandes, pic de fin d’année', rome: 'N1103', sites: [{ insee: '12133', label: 'Entrepôt' }], periods: [{ from: '11-01', to: '12-31', slots: ['mon-fri 14:00-19:00'] }], licences: ['caces-r489-3'], commitmentMonths: 2, wage: 12.3, replaced: 5, status: 'validated' },
      { key: 'conserverie-packing', company: 'Conserverie du Ségala', title: 'Conditionnement du matin', rome: 'H2102', sites: [{ insee: '12056' }], periods: [{ ...ALL_YEAR, slots: ['mon-fri 06:00-10:00'] }], licences: ['haccp'], commitmentMonths: 12, wage: 12.4, replaced: 3, status: 'validated' },
      { key: 'ehpad-nurse', company: 'EHPAD Les Terrasses du Lot', title: 'Infirmier(ère), soins du matin', rome: 'J1506', sites: [{ insee: '12096' }], periods: [{ ...ALL_YEAR, slots: ['mon-thu 07:00-12:30'] }], licences: ['de-infirmier'], commitmentMonths: 12, wage: 15.8, replaced: 7, status: 'validated' },
      { key: 'ssiad-nurse', company: 'SSIAD du Haut-Rouergue', title: 'Infirmier(ère), tournée de fin de semaine', rome: 'J1506', sites: [{ insee: '12033' }], periods: [{ ...ALL_YEAR, slots: ['fri-sat 07:00-13:30'] }], licences: ['de-infirmier'], commitmentMonths: 12, wage: 16.2, replaced: 5, status: 'validated' },
      { key: 'social-mende', company: 'Lozère Solidarité Domicile', title: 'Assistant(e) de service social', rome: 'K1201', sites: [{ insee: '48095' }], periods: [{ ...ALL_YEAR, slots: ['mon-tue 09:00-12:30', 'mon-tue 13:30-17:00'] }], licences: ['de-assistant-service-social'], commitmentMonths: 12, wage: 15.1, replaced: 2, status: 'validated' },
      { key: 'social-marvejols', company: 'Centre communal d’action sociale de Marvejols', title: 'Assistant(e) de service social', rome: 'K1201', sites: [{ insee: '48092' }], periods: [{ ...ALL_YEAR, slots: ['wed-thu 09:00-12:30', 'wed-thu 13:30-17:00'] }], licences: ['de-assistant-service-social'], commitmentMonths: 24, wage: 15.6, replaced: 3, status: 'validated' },
      { key: 'hospital-nurse', company: 'Centre hospitalier de Marvejols', title: 'Infirmier(ère) de jour', rome: 'J1506', sites: [{ insee: '48092' }], periods: [{ ...ALL_YEAR, slots: ['mon-fri 07:00-14:00'] }], licences: ['de-infirmier'], commitmentMonths: 24, wage: 16.0, replaced: 9, status: 'validated' },
      { key: 'pareloup-line', company: 'Fromagerie du Lac de Pareloup', title: 'Fabrication fromagère', rome: 'H2102', sites: [{ insee: '12253' }], periods: [{ ...ALL_YEAR, slots: ['thu-fri 05:00-12:00'] }], licences: ['haccp'], commitmentMonths: 12, wage: 12.7, replaced: 2, status: 'validated' },
      { key: 'theatre-shows', company: 'Théâtre de la Maison du Peuple', title: 'Régie des spectacles du soir', rome: 'L1508', sites: [{ insee: '12145' }], periods: [{ ...ALL_YEAR, slots: ['thu-sat 19:30-23:00'] }], commitmentMonths: 12, wage: 14.5, replaced: 8, status: 'validated' },
      { key: 'tourism-desk', company: 'Office de tourisme de Millau Grands Causses', title: 'Accueil et billetterie', rome: 'G1101', sites: [{ insee: '12145', label: 'Accueil du centre-ville' }], periods: [{ ...ALL_YEAR, slots: ['mon-wed 10:00-18:00'] }], commitmentMonths: 12, wage: 12.3, replaced: 2, status: 'validated' },
      { key: 'coop-harvest', company: 'Coopérative agricole du Ségala', title: 'Conduite d’engins, moissons', rome: 'A1101', sites: [{ insee: '12056' }], periods: [{ from: '06-15', to: '08-31', slots: ['mon-sat 06:00-13:00'] }], licences: ['permis-b'], commitmentMonths: 3, wage: 12.8, replaced: 4, status: 'validated' },
    ],
  },
};
