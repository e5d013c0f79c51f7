import { Codelist } from './codelist';

export const SEX: Codelist = {
  id: 'sex',
  name: { tg: 'Ҷинс', ru: 'Пол', en: 'Sex' },
  codes: [
    { code: 'F', labels: { tg: 'Зан', ru: 'Женский', en: 'Female' } },
    { code: 'M', labels: { tg: 'Мард', ru: 'Мужской', en: 'Male' } },
    { code: 'U', labels: { tg: 'Номаълум', ru: 'Неизвестно', en: 'Unknown' } },
  ],
};
