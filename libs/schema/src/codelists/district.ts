import { Codelist } from './codelist';

/**
 * Districts (ноҳия) and cities of regional or republican subordination, under their
 * region (ISO 3166-2:TJ). Dushanbe is divided into its four city districts. Codes are
 * stable: `<region>-<three letters>`; `<region>-UNK` is "district not known" within a
 * known region, `UNK` is "location not known" (its parent is the region `UNK`).
 */
type Row = readonly [code: string, tg: string, ru: string, en: string];

const DUSHANBE: readonly Row[] = [
  ['TJ-DU-ISM', 'ноҳияи Исмоили Сомонӣ', 'район Исмоили Сомони', 'Ismoili Somoni district'],
  ['TJ-DU-SIN', 'ноҳияи Сино', 'район Сино', 'Sino district'],
  ['TJ-DU-FIR', 'ноҳияи Фирдавсӣ', 'район Фирдавси', 'Firdavsi district'],
  ['TJ-DU-SHM', 'ноҳияи Шоҳмансур', 'район Шохмансур', 'Shohmansur district'],
];

const SUGHD: readonly Row[] = [
  ['TJ-SU-KHJ', 'шаҳри Хуҷанд', 'город Худжанд', 'Khujand city'],
  ['TJ-SU-BUS', 'шаҳри Бӯстон', 'город Бустон', 'Buston city'],
  ['TJ-SU-GUL', 'шаҳри Гулистон', 'город Гулистон', 'Guliston city'],
  ['TJ-SU-IST', 'шаҳри Истаравшан', 'город Истаравшан', 'Istaravshan city'],
  ['TJ-SU-ISF', 'шаҳри Исфара', 'город Исфара', 'Isfara city'],
  ['TJ-SU-KON', 'шаҳри Конибодом', 'город Канибадам', 'Konibodom city'],
  ['TJ-SU-PAN', 'шаҳри Панҷакент', 'город Пенджикент', 'Panjakent city'],
  ['TJ-SU-ISQ', 'шаҳри Истиқлол', 'город Истиклол', 'Istiqlol city'],
  ['TJ-SU-AYN', 'ноҳияи Айнӣ', 'Айнинский район', 'Ayni district'],
  ['TJ-SU-ASH', 'ноҳияи Ашт', 'Аштский район', 'Asht district'],
  ['TJ-SU-BGF', 'ноҳияи Бобоҷон Ғафуров', 'район Бободжона Гафурова', 'Bobojon Ghafurov district'],
  ['TJ-SU-DEV', 'ноҳияи Деваштич', 'Деваштичский район', 'Devashtich district'],
  ['TJ-SU-JRS', 'ноҳияи Ҷаббор Расулов', 'район Джаббора Расулова', 'Jabbor Rasulov district'],
  ['TJ-SU-ZAF', 'ноҳияи Зафаробод', 'Зафарабадский район', 'Zafarobod district'],
  ['TJ-SU-KMA', 'ноҳияи Кӯҳистони Мастчоҳ', 'Горно-Матчинский район', 'Kuhistoni Mastchoh district'],
  ['TJ-SU-MAS', 'ноҳияи Мастчоҳ', 'Матчинский район', 'Mastchoh district'],
  ['TJ-SU-SPI', 'ноҳияи Спитамен', 'Спитаменский район', 'Spitamen district'],
  ['TJ-SU-SHA', 'ноҳияи Шаҳристон', 'Шахристанский район', 'Shahriston district'],
];

const KHATLON: readonly Row[] = [
  ['TJ-KT-BOK', 'шаҳри Бохтар', 'город Бохтар', 'Bokhtar city'],
  ['TJ-KT-KUL', 'шаҳри Кӯлоб', 'город Куляб', 'Kulob city'],
  ['TJ-KT-LEV', 'шаҳри Левакант', 'город Левакант', 'Levakant city'],
  ['TJ-KT-NOR', 'шаҳри Норак', 'город Нурек', 'Norak city'],
  ['TJ-KT-JOM', 'ноҳияи Абдураҳмони Ҷомӣ', 'район Абдурахмана Джами', 'Abdurahmoni Jomi district'],
  ['TJ-KT-BAL', 'ноҳияи Балҷувон', 'Бальджуванский район', 'Baljuvon district'],
  ['TJ-KT-JBL', 'ноҳияи Ҷалолиддини Балхӣ', 'район Джалолиддина Балхи', 'Jaloliddini Balkhi district'],
  ['TJ-KT-VAK', 'ноҳияи Вахш', 'Вахшский район', 'Vakhsh district'],
  ['TJ-KT-VOS', 'ноҳияи Восеъ', 'Восейский район', 'Vose district'],
  ['TJ-KT-DAN', 'ноҳияи Данғара', 'Дангаринский район', 'Danghara district'],
  ['TJ-KT-JAY', 'ноҳияи Ҷайҳун', 'Джайхунский район', 'Jayhun district'],
  ['TJ-KT-DUS', 'ноҳияи Дӯстӣ', 'район Дусти', 'Dusti district'],
  ['TJ-KT-YOV', 'ноҳияи Ёвон', 'Яванский район', 'Yovon district'],
  ['TJ-KT-KSH', 'ноҳияи Кушониён', 'Кушониёнский район', 'Kushoniyon district'],
  ['TJ-KT-QUB', 'ноҳияи Қубодиён', 'Кабодиёнский район', 'Qubodiyon district'],
  ['TJ-KT-KLD', 'ноҳияи Кӯлоб', 'Кулябский район', 'Kulob district'],
  ['TJ-KT-MUM', 'ноҳияи Муъминобод', 'Муминабадский район', 'Muminobod district'],
  ['TJ-KT-NKH', 'ноҳияи Носири Хусрав', 'район Носири Хусрава', 'Nosiri Khusrav district'],
  ['TJ-KT-PAN', 'ноҳияи Панҷ', 'Пянджский район', 'Panj district'],
  ['TJ-KT-TEM', 'ноҳияи Темурмалик', 'Темурмаликский район', 'Temurmalik district'],
  ['TJ-KT-FAR', 'ноҳияи Фархор', 'Фархорский район', 'Farkhor district'],
  ['TJ-KT-HAM', 'ноҳияи Ҳамадонӣ', 'район Хамадони', 'Hamadoni district'],
  ['TJ-KT-KHO', 'ноҳияи Ховалинг', 'Ховалингский район', 'Khovaling district'],
  ['TJ-KT-SHO', 'ноҳияи Шамсиддин Шоҳин', 'район Шамсиддина Шохина', 'Shamsiddin Shohin district'],
  ['TJ-KT-SHT', 'ноҳияи Шаҳритус', 'Шаартузский район', 'Shahritus district'],
  ['TJ-KT-KHU', 'ноҳияи Хуросон', 'Хуросонский район', 'Khuroson district'],
];

const GBAO: readonly Row[] = [
  ['TJ-GB-KHO', 'шаҳри Хоруғ', 'город Хорог', 'Khorugh city'],
  ['TJ-GB-VAN', 'ноҳияи Ванҷ', 'Ванчский район', 'Vanj district'],
  ['TJ-GB-DAR', 'ноҳияи Дарвоз', 'Дарвазский район', 'Darvoz district'],
  ['TJ-GB-ISH', 'ноҳияи Ишкошим', 'Ишкашимский район', 'Ishkoshim district'],
  ['TJ-GB-MUR', 'ноҳияи Мурғоб', 'Мургабский район', 'Murghob district'],
  ['TJ-GB-ROS', 'ноҳияи Роштқалъа', 'Рошткалинский район', 'Roshtqal’a district'],
  ['TJ-GB-RUS', 'ноҳияи Рӯшон', 'Рушанский район', 'Rushon district'],
  ['TJ-GB-SHU', 'ноҳияи Шуғнон', 'Шугнанский район', 'Shughnon district'],
];

const RRS: readonly Row[] = [
  ['TJ-RA-VAH', 'шаҳри Ваҳдат', 'город Вахдат', 'Vahdat city'],
  ['TJ-RA-ROG', 'шаҳри Роғун', 'город Рогун', 'Roghun city'],
  ['TJ-RA-TUR', 'шаҳри Турсунзода', 'город Турсунзаде', 'Tursunzoda city'],
  ['TJ-RA-HIS', 'шаҳри Ҳисор', 'город Гиссар', 'Hisor city'],
  ['TJ-RA-VAR', 'ноҳияи Варзоб', 'Варзобский район', 'Varzob district'],
  ['TJ-RA-LAK', 'ноҳияи Лахш', 'Лахшский район', 'Lakhsh district'],
  ['TJ-RA-NUR', 'ноҳияи Нуробод', 'Нурабадский район', 'Nurobod district'],
  ['TJ-RA-RAS', 'ноҳияи Рашт', 'Раштский район', 'Rasht district'],
  ['TJ-RA-RUD', 'ноҳияи Рӯдакӣ', 'Рудакинский район', 'Rudaki district'],
  ['TJ-RA-SAN', 'ноҳияи Сангвор', 'Сангворский район', 'Sangvor district'],
  ['TJ-RA-TOJ', 'ноҳияи Тоҷикобод', 'Таджикабадский район', 'Tojikobod district'],
  ['TJ-RA-FAY', 'ноҳияи Файзобод', 'Файзабадский район', 'Fayzobod district'],
  ['TJ-RA-SHN', 'ноҳияи Шаҳринав', 'Шахринавский район', 'Shahrinav district'],
];

const UNKNOWN_IN_REGION: readonly Row[] = [
  ['TJ-DU-UNK', 'Душанбе, ноҳия номаълум', 'Душанбе, район неизвестен', 'Dushanbe, district unknown'],
  ['TJ-SU-UNK', 'вилояти Суғд, ноҳия номаълум', 'Согдийская область, район неизвестен', 'Sughd, district unknown'],
  ['TJ-KT-UNK', 'вилояти Хатлон, ноҳия номаълум', 'Хатлонская область, район неизвестен', 'Khatlon, district unknown'],
  ['TJ-GB-UNK', 'ВМКБ, ноҳия номаълум', 'ГБАО, район неизвестен', 'Gorno-Badakhshan, district unknown'],
  ['TJ-RA-UNK', 'НТҶ, ноҳия номаълум', 'РРП, район неизвестен', 'Districts of Republican Subordination, district unknown'],
];

const rows = (region: string, list: readonly Row[]) =>
  list.map(([code, tg, ru, en]) => ({ code, labels: { tg, ru, en }, parent: region }));

export const DISTRICT: Codelist = {
  id: 'district',
  name: { tg: 'Ноҳия ё шаҳр', ru: 'Район или город', en: 'District or city' },
  parentCodelist: 'region',
  codes: [
    ...rows('TJ-DU', DUSHANBE),
    ...rows('TJ-SU', SUGHD),
    ...rows('TJ-KT', KHATLON),
    ...rows('TJ-GB', GBAO),
    ...rows('TJ-RA', RRS),
    ...UNKNOWN_IN_REGION.map(([code, tg, ru, en]) => ({ code, labels: { tg, ru, en }, parent: code.slice(0, 5) })),
    { code: 'UNK', labels: { tg: 'Маҳал номаълум', ru: 'Местоположение неизвестно', en: 'Location unknown' }, parent: 'UNK' },
  ],
};

/** Districts (without the "unknown" codes) of a region, in list order. */
export function districtsOf(region: string): string[] {
  return DISTRICT.codes.filter((c) => c.parent === region && !c.code.endsWith('UNK')).map((c) => c.code);
}
