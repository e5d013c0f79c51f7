import { Code, Codelist } from './codelist';

type Row = readonly [code: string, tg: string, ru: string, en: string];

/** Actors a referral comes from or goes to; `self` only as a source. */
const ACTORS: readonly Row[] = [
  ['family_friends', 'Оила ё дӯстон', 'Семья или друзья', 'Family or friends'],
  ['police', 'Милитсия', 'Милиция', 'Police'],
  ['health_facility', 'Муассисаи тиббӣ', 'Медицинское учреждение', 'Health facility'],
  ['legal_aid', 'Ёрии ҳуқуқӣ', 'Юридическая помощь', 'Legal aid provider'],
  ['shelter', 'Паноҳгоҳ', 'Приют', 'Shelter'],
  ['crisis_centre', 'Маркази бӯҳронӣ', 'Кризисный центр', 'Crisis centre'],
  ['hotline', 'Хати боварӣ', 'Телефон доверия', 'Hotline'],
  ['community_leader', 'Пешвои ҷамоа ё кумитаи маҳалла', 'Лидер общины или махаллинский комитет', 'Community leader or mahalla committee'],
  ['jamoat', 'Ҷамоат ё мақомоти маҳаллӣ', 'Джамоат или местная власть', 'Jamoat or local government'],
  ['women_family_committee', 'Кумитаи кор бо занон ва оила', 'Комитет по делам женщин и семьи', 'Committee on Women and Family Affairs'],
  ['school', 'Мактаб', 'Школа', 'School'],
  ['ngo', 'Ташкилоти ғайриҳукуматӣ', 'Неправительственная организация', 'NGO'],
  ['international_organisation', 'Ташкилоти байналмилалӣ', 'Международная организация', 'International organisation'],
  ['other', 'Дигар', 'Другое', 'Other'],
];

const UNKNOWN: Code = { code: 'UNK', labels: { tg: 'Номаълум', ru: 'Неизвестно', en: 'Unknown' } };
const toCode = ([code, tg, ru, en]: Row): Code => ({ code, labels: { tg, ru, en } });

export const REFERRAL_SOURCE: Codelist = {
  id: 'referral_source',
  name: { tg: 'Манбаи равонкунӣ', ru: 'Источник направления', en: 'Referral source' },
  codes: [
    { code: 'self', labels: { tg: 'Худаш муроҷиат кард', ru: 'Обратилась самостоятельно', en: 'Self-referred' } },
    ...ACTORS.map(toCode),
    UNKNOWN,
  ],
};

export const REFERRAL_DESTINATION: Codelist = {
  id: 'referral_destination',
  name: { tg: 'Ҷои равонкунӣ', ru: 'Куда направлен(а)', en: 'Referral destination' },
  codes: [...ACTORS.map(toCode), UNKNOWN],
};
