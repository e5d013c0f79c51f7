/**
 * The fields an import row can fill: one row is one incident with its client. A column
 * mapping says which column of the file holds which field; without one, a column whose
 * header is the field name or one of its aliases (Russian, Tajik, English) is used.
 */
export const IMPORT_FIELDS = {
  clientCode: ['client code', 'client_code', 'код клиента', 'код', 'рамзи мизоҷ', 'рамз'],
  sex: ['пол', 'ҷинс', 'gender'],
  birthYear: ['birth year', 'год рождения', 'соли таваллуд'],
  district: ['район', 'ноҳия', 'район проживания', 'client district'],
  maritalStatus: ['marital status', 'семейное положение', 'вазъи оилавӣ'],
  migrationStatus: ['migration status', 'миграция', 'миграционный статус', 'муҳоҷират'],
  hasDisability: ['disability', 'инвалидность', 'маъюбӣ'],
  registeredOn: ['registered on', 'дата регистрации', 'дата первого обращения', 'санаи бақайдгирӣ'],
  fullName: ['name', 'full name', 'фио', 'имя', 'ному насаб'],
  phone: ['телефон', 'тел', 'рақами телефон', 'telephone'],
  address: ['адрес', 'суроға'],
  dateOfBirth: ['date of birth', 'дата рождения', 'санаи таваллуд', 'dob'],
  clientNotes: ['notes', 'примечания', 'примечание', 'эзоҳ'],
  incidentCode: ['incident code', 'incident id', 'incidentid', 'номер случая', 'рақами ҳодиса'],
  incidentDate: ['incident date', 'дата инцидента', 'дата случая', 'санаи ҳодиса'],
  reportedDate: ['reported date', 'дата обращения', 'дата сообщения', 'дата записи', 'санаи муроҷиат'],
  incidentDistrict: ['incident district', 'место инцидента', 'район инцидента', 'ҷои ҳодиса'],
  violenceTypes: ['violence type', 'violence types', 'вид насилия', 'виды насилия', 'навъи зӯроварӣ'],
  perpetratorRelationship: ['perpetrator', 'perpetrator relationship', 'обидчик', 'кем приходится обидчик', 'зӯровар'],
  consentServices: ['consent services', 'согласие на услуги', 'розигӣ ба хизматрасонӣ'],
  consentReporting: ['consent reporting', 'согласие на отчетность', 'согласие на статистику', 'розигӣ ба ҳисобот'],
  consentGivenOn: ['consent given on', 'consent date', 'дата согласия', 'санаи розигӣ'],
  reportedByOtherMember: ['reported by other member', 'учтено другим центром', 'направлен другим центром'],
  narrative: ['narrative', 'описание', 'описание случая', 'тавсиф'],
} as const;
export type ImportField = keyof typeof IMPORT_FIELDS;
export const IMPORT_FIELD_NAMES = Object.keys(IMPORT_FIELDS) as ImportField[];

const squash = (s: string): string => s.normalize('NFC').toLowerCase().replace(/ё/g, 'е').replace(/[\s_.-]+/g, ' ').trim();

/**
 * Column index of each field, from the header row and the user's mapping (field -> header).
 * Returns the fields the user mapped to a header the file does not have, and the headers
 * (as the file writes them) that several columns share while a field reads them: which of
 * the columns holds the field cannot be told, and reading one would silently drop the
 * other. Shared headers no field reads are left alone.
 */
export function resolveColumns(
  headers: readonly string[],
  userMapping: Readonly<Record<string, string>>,
): { columns: Partial<Record<ImportField, number>>; missingHeaders: ImportField[]; duplicateHeaders: string[] } {
  const index = new Map<string, number>();
  const shared = new Set<string>();
  headers.forEach((h, i) => {
    const k = squash(h);
    if (!k) return;
    if (index.has(k)) shared.add(k);
    else index.set(k, i);
  });
  const columns: Partial<Record<ImportField, number>> = {};
  const missingHeaders: ImportField[] = [];
  const duplicateHeaders = new Set<string>();
  const use = (field: ImportField, key: string): boolean => {
    const i = index.get(key);
    if (i === undefined) return false;
    columns[field] = i;
    if (shared.has(key)) duplicateHeaders.add(headers[i].trim());
    return true;
  };
  for (const field of IMPORT_FIELD_NAMES) {
    const mapped = userMapping[field];
    if (mapped !== undefined) {
      if (!use(field, squash(mapped))) missingHeaders.push(field);
      continue;
    }
    for (const candidate of [field, ...IMPORT_FIELDS[field]]) if (use(field, squash(candidate))) break;
  }
  return { columns, missingHeaders, duplicateHeaders: [...duplicateHeaders] };
}
