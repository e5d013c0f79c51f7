/** The three languages of the standard: Tajik, Russian, English. */
export const LANGUAGES = ['tg', 'ru', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];
export type Labels = Readonly<Record<Lang, string>>;
