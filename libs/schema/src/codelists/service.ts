import { Codelist } from './codelist';

export const SERVICE_TYPE: Codelist = {
  id: 'service_type',
  name: { tg: 'Навъи хизматрасонӣ', ru: 'Вид услуги', en: 'Service type' },
  codes: [
    { code: 'case_management', labels: { tg: 'Идоракунии парванда', ru: 'Ведение случая', en: 'Case management' } },
    { code: 'psychosocial_counselling', labels: { tg: 'Машварати равонӣ-иҷтимоӣ', ru: 'Психосоциальное консультирование', en: 'Psychosocial counselling' } },
    { code: 'legal_counselling', labels: { tg: 'Машварати ҳуқуқӣ', ru: 'Юридическая консультация', en: 'Legal counselling' } },
    { code: 'legal_representation', labels: { tg: 'Намояндагии ҳуқуқӣ дар суд', ru: 'Юридическое представительство в суде', en: 'Legal representation in court' } },
    { code: 'medical_care', labels: { tg: 'Ёрии тиббӣ', ru: 'Медицинская помощь', en: 'Medical care' } },
    { code: 'medical_referral', labels: { tg: 'Равон кардан ба муассисаи тиббӣ', ru: 'Направление в медицинское учреждение', en: 'Medical referral' } },
    { code: 'shelter', labels: { tg: 'Паноҳгоҳ ё хонаи бехатар', ru: 'Приют или безопасное жильё', en: 'Shelter or safe house' } },
    { code: 'economic_support', labels: { tg: 'Дастгирии иқтисодӣ ва маишатӣ', ru: 'Экономическая поддержка и средства к существованию', en: 'Economic and livelihood support' } },
    { code: 'protection_order_support', labels: { tg: 'Кӯмак бо милитсия ва ордери ҳимоявӣ', ru: 'Содействие с милицией и охранным ордером', en: 'Police and protection order support' } },
    { code: 'hotline_consultation', labels: { tg: 'Машварат тавассути хати боварӣ', ru: 'Консультация по телефону доверия', en: 'Hotline consultation' } },
    { code: 'education_training', labels: { tg: 'Таълим ва омӯзиши касбӣ', ru: 'Образование и профессиональное обучение', en: 'Education and training' } },
    { code: 'documents_support', labels: { tg: 'Кӯмак дар барқарор кардани ҳуҷҷатҳо', ru: 'Помощь в восстановлении документов', en: 'Help with identity and civil documents' } },
    { code: 'other', labels: { tg: 'Дигар', ru: 'Другое', en: 'Other' } },
  ],
};

export const SERVICE_OUTCOME: Codelist = {
  id: 'service_outcome',
  name: { tg: 'Натиҷаи хизматрасонӣ', ru: 'Результат услуги', en: 'Service outcome' },
  codes: [
    { code: 'provided', labels: { tg: 'Расонида шуд', ru: 'Оказана', en: 'Provided' } },
    { code: 'referred', labels: { tg: 'Ба дигар ташкилот равон карда шуд', ru: 'Направлена в другую организацию', en: 'Referred elsewhere' } },
    { code: 'declined', labels: { tg: 'Мизоҷ рад кард', ru: 'Клиент отказался', en: 'Declined by client' } },
    { code: 'not_available', labels: { tg: 'Дастрас нест', ru: 'Недоступна', en: 'Not available' } },
    { code: 'ongoing', labels: { tg: 'Идома дорад', ru: 'Продолжается', en: 'Ongoing' } },
    { code: 'UNK', labels: { tg: 'Номаълум', ru: 'Неизвестно', en: 'Unknown' } },
  ],
};
