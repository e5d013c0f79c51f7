import { DatasetDecl, DimensionDecl } from './dataset';

const dim = {
  region: {
    id: 'region',
    codelist: 'region',
    attribute: 'district',
    label: { tg: 'Минтақа', ru: 'Регион', en: 'Region' },
  },
  violenceType: {
    id: 'violence_type',
    codelist: 'violence_type',
    attribute: 'violence_type',
    label: { tg: 'Навъи зӯроварӣ', ru: 'Вид насилия', en: 'Violence type' },
  },
  sex: {
    id: 'sex',
    codelist: 'sex',
    attribute: 'sex',
    label: { tg: 'Ҷинс', ru: 'Пол', en: 'Sex' },
  },
  ageBand: {
    id: 'age_band',
    codelist: 'age_band',
    attribute: 'age_band',
    label: { tg: 'Гурӯҳи синну сол', ru: 'Возрастная группа', en: 'Age band' },
  },
  serviceType: {
    id: 'service_type',
    codelist: 'service_type',
    attribute: 'service_type',
    label: { tg: 'Навъи хизматрасонӣ', ru: 'Вид услуги', en: 'Service type' },
  },
  serviceOutcome: {
    id: 'service_outcome',
    codelist: 'service_outcome',
    attribute: 'service_outcome',
    label: { tg: 'Натиҷаи хизматрасонӣ', ru: 'Результат услуги', en: 'Service outcome' },
  },
  migrationStatus: {
    id: 'migration_status',
    codelist: 'migration_status',
    attribute: 'migration_status',
    label: { tg: 'Вазъи муҳоҷират', ru: 'Миграционный статус', en: 'Migration status' },
  },
  hotlineTopic: {
    id: 'topic',
    codelist: 'hotline_topic',
    attribute: 'hotline_topic',
    label: { tg: 'Мавзӯъ', ru: 'Тема', en: 'Topic' },
  },
  callerSex: {
    id: 'caller_sex',
    codelist: 'sex',
    attribute: 'caller_sex',
    label: { tg: 'Ҷинси зангзананда', ru: 'Пол звонящего', en: 'Caller sex' },
  },
} as const satisfies Record<string, DimensionDecl>;

/**
 * Suppression with k = 5, as GBVIMS users know it. Zeros are hidden (a zero can tell that a
 * small group shared one category) but need only be unprovable as zero: asking every hidden
 * zero for an interval k wide hid whole centre-month tables (nothing published at all for
 * incidents_monthly at 200 incidents a month); counts 1..k-1 keep the full range k.
 */
const SUPPRESSION_K5 = { method: 'suppression', k: 5, structuralZeros: false, zeroProtectionRange: 1, minContributors: 3 } as const;

/** The datasets of standard 2026.1. The Association adds more at the hub without a node release. */
export const DATASETS: readonly DatasetDecl[] = [
  {
    id: 'incidents_monthly',
    title: {
      tg: 'Ҳодисаҳои нав аз рӯи моҳ, минтақа, навъи зӯроварӣ, ҷинс ва синну сол',
      ru: 'Новые инциденты по месяцам, регионам, видам насилия, полу и возрасту',
      en: 'New incidents by month, region, violence type, sex and age band',
    },
    description: {
      tg: 'Ҳодисаҳое, ки бо розигии пешниҳоди ҳисобот дар давоми моҳ ба қайд гирифта шудаанд.',
      ru: 'Инциденты, зарегистрированные за месяц, с согласием на отчётность.',
      en: 'Incidents recorded in the month with consent to reporting.',
    },
    unit: 'incident',
    measure: {
      id: 'new_incidents',
      label: { tg: 'Шумораи ҳодисаҳои нав', ru: 'Число новых инцидентов', en: 'Number of new incidents' },
    },
    periodType: 'month',
    dueDays: 15,
    dimensions: [dim.region, dim.violenceType, dim.sex, dim.ageBand],
    protection: SUPPRESSION_K5,
    public: true,
  },
  {
    id: 'services_monthly',
    title: {
      tg: 'Хизматрасониҳо аз рӯи моҳ, навъ ва натиҷа',
      ru: 'Оказанные услуги по месяцам, видам и результатам',
      en: 'Services delivered by month, service type and outcome',
    },
    description: {
      tg: 'Хизматрасониҳое, ки дар давоми моҳ ба мизоҷони дорои розигӣ расонида шудаанд.',
      ru: 'Услуги, оказанные за месяц клиентам, давшим согласие на отчётность.',
      en: 'Services delivered in the month to clients who consented to reporting.',
    },
    unit: 'service',
    measure: {
      id: 'services_delivered',
      label: { tg: 'Шумораи хизматрасониҳо', ru: 'Число услуг', en: 'Number of services' },
    },
    periodType: 'month',
    dueDays: 15,
    dimensions: [dim.serviceType, dim.serviceOutcome],
    protection: SUPPRESSION_K5,
    public: true,
  },
  {
    id: 'clients_quarterly',
    title: {
      tg: 'Мизоҷони хизматгирифта аз рӯи семоҳа, минтақа ва вазъи муҳоҷират',
      ru: 'Обслуженные клиенты по кварталам, регионам и миграционному статусу',
      en: 'Clients served by quarter, region and migration status',
    },
    description: {
      tg: 'Мизоҷони алоҳида, ки дар семоҳа ақаллан як хизмат гирифтаанд.',
      ru: 'Отдельные клиенты, получившие за квартал хотя бы одну услугу.',
      en: 'Distinct clients who received at least one service in the quarter.',
    },
    unit: 'client',
    measure: {
      id: 'clients_served',
      label: { tg: 'Шумораи мизоҷон', ru: 'Число клиентов', en: 'Number of clients' },
    },
    periodType: 'quarter',
    dueDays: 30,
    dimensions: [dim.region, dim.migrationStatus],
    protection: SUPPRESSION_K5,
    public: false,
  },
  {
    id: 'hotline_monthly',
    title: {
      tg: 'Машваратҳои хати боварӣ аз рӯи моҳ, мавзӯъ ва ҷинси зангзананда',
      ru: 'Консультации горячей линии по месяцам, темам и полу звонящего',
      en: 'Hotline consultations by month, topic and caller sex',
    },
    description: {
      tg: 'Машваратҳои телефонӣ ва онлайн, ки хатҳои боварӣ дар давоми моҳ додаанд.',
      ru: 'Телефонные и онлайн-консультации горячих линий за месяц.',
      en: 'Telephone and online consultations given by hotlines in the month.',
    },
    unit: 'consultation',
    measure: {
      id: 'consultations',
      label: { tg: 'Шумораи машваратҳо', ru: 'Число консультаций', en: 'Number of consultations' },
    },
    periodType: 'month',
    dueDays: 15,
    dimensions: [dim.hotlineTopic, dim.callerSex],
    protection: {
      method: 'differential_privacy',
      k: 5,
      structuralZeros: false,
      minContributors: 2,
      differentialPrivacy: { epsilonPerRelease: 0.5, annualEpsilon: 6, maxContributionsPerClient: 3 },
    },
    public: true,
  },
];

export function findDataset(id: string, datasets: readonly DatasetDecl[] = DATASETS): DatasetDecl | undefined {
  return datasets.find((d) => d.id === id);
}
