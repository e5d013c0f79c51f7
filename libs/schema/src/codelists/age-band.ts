import { Code, Codelist } from './codelist';

/** An age band covers whole years `min`..`max` inclusive; `unknown` has neither. */
export interface AgeBandCode extends Code {
  readonly min?: number;
  readonly max?: number;
}

const band = (min: number, max: number, tg: string, ru: string, en: string): AgeBandCode => ({
  code: max >= 120 ? `Y${min}T120` : `Y${min}T${max}`,
  labels: { tg, ru, en },
  min,
  max,
});

export const AGE_BAND: Codelist<AgeBandCode> = {
  id: 'age_band',
  name: { tg: 'Гурӯҳи синну сол', ru: 'Возрастная группа', en: 'Age band' },
  codes: [
    band(0, 11, '0–11 сола', '0–11 лет', '0–11 years'),
    band(12, 17, '12–17 сола', '12–17 лет', '12–17 years'),
    band(18, 24, '18–24 сола', '18–24 лет', '18–24 years'),
    band(25, 34, '25–34 сола', '25–34 лет', '25–34 years'),
    band(35, 49, '35–49 сола', '35–49 лет', '35–49 years'),
    band(50, 64, '50–64 сола', '50–64 лет', '50–64 years'),
    band(65, 120, '65 сола ва калонтар', '65 лет и старше', '65 years and over'),
    { code: 'UNK', labels: { tg: 'Номаълум', ru: 'Неизвестно', en: 'Unknown' } },
  ],
};

/** The band of an exact age in whole years (the exact age itself never leaves the node). */
export function ageBandOf(age: number | null | undefined): string {
  if (age === null || age === undefined || !Number.isInteger(age) || age < 0 || age > 120) return 'UNK';
  const b = AGE_BAND.codes.find((c) => c.min !== undefined && c.max !== undefined && age >= c.min && age <= c.max);
  return b ? b.code : 'UNK';
}
