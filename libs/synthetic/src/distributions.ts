import { Weighted } from './prng';

/**
 * Shapes of a plausible register, after what crisis centres and GBVIMS users report:
 * most survivors are women aged 18-49 abused by a husband or his family; psychological
 * and physical violence dominate; sexual violence is rarer (and under-reported).
 */
export const SEX = new Weighted<string>([
  ['F', 90],
  ['M', 9],
  ['U', 1],
]);

/** Age bands at first contact, then a uniform age inside the band. */
export const AGE_RANGES = new Weighted<readonly [number, number] | null>([
  [[6, 11], 2],
  [[12, 17], 6],
  [[18, 24], 22],
  [[25, 34], 32],
  [[35, 49], 25],
  [[50, 64], 8],
  [[65, 85], 2],
  [null, 3],
]);

/** The classified (most severe) type of an incident. */
export const CLASSIFIED_TYPE = new Weighted<string>([
  ['physical_assault', 36],
  ['psychological_emotional_abuse', 30],
  ['denial_of_resources_opportunities_or_services', 14],
  ['forced_marriage', 7],
  ['sexual_assault', 7],
  ['rape', 6],
]);

/** Chance that a less severe type is observed too (it never changes the classification). */
export const CO_OCCURRING: ReadonlyArray<readonly [string, number]> = [
  ['physical_assault', 0.15],
  ['forced_marriage', 0.03],
  ['denial_of_resources_opportunities_or_services', 0.3],
  ['psychological_emotional_abuse', 0.65],
];

export const PERPETRATOR_ADULT = new Weighted<string>([
  ['intimate_partner', 60],
  ['mother_in_law', 10],
  ['family_other', 7],
  ['sister_in_law', 3],
  ['brother_in_law', 3],
  ['father_in_law', 2],
  ['other_in_law', 2],
  ['primary_caregiver', 1],
  ['family_friend_neighbour', 3],
  ['other_resident_community_member', 2],
  ['supervisor_employer', 1],
  ['service_provider', 0.5],
  ['cotenant_housemate', 0.5],
  ['no_relation', 2],
  ['other', 1],
  ['UNK', 2],
]);

export const PERPETRATOR_MINOR = new Weighted<string>([
  ['primary_caregiver', 25],
  ['family_other', 22],
  ['intimate_partner', 15],
  ['mother_in_law', 5],
  ['teacher', 3],
  ['schoolmate', 5],
  ['family_friend_neighbour', 10],
  ['other_resident_community_member', 5],
  ['no_relation', 5],
  ['UNK', 5],
]);

export const MARITAL_ADULT = new Weighted<string>([
  ['registered_marriage', 40],
  ['nikoh', 22],
  ['polygamous_union', 4],
  ['divorced', 12],
  ['separated', 8],
  ['widowed', 4],
  ['single', 7],
  ['UNK', 3],
]);

export const MARITAL_MINOR = new Weighted<string>([
  ['single', 72],
  ['nikoh', 23],
  ['UNK', 5],
]);

export const MIGRATION = new Weighted<string>([
  ['family_left_behind', 30],
  ['returnee_migrant', 8],
  ['none', 55],
  ['UNK', 7],
]);

export const SERVICES_PER_INCIDENT = new Weighted<number>([
  [1, 45],
  [2, 35],
  [3, 20],
]);

export const OUTCOME = new Weighted<string>([
  ['provided', 72],
  ['referred', 9],
  ['ongoing', 8],
  ['declined', 5],
  ['not_available', 4],
  ['UNK', 2],
]);

/** Service mix by centre type. */
export const SERVICES_BY_CENTRE: Readonly<Record<string, Weighted<string>>> = {
  crisis_centre: new Weighted([
    ['case_management', 22],
    ['psychosocial_counselling', 25],
    ['legal_counselling', 18],
    ['medical_referral', 8],
    ['medical_care', 4],
    ['protection_order_support', 6],
    ['economic_support', 5],
    ['documents_support', 4],
    ['shelter', 3],
    ['education_training', 3],
    ['other', 2],
  ]),
  shelter: new Weighted([
    ['shelter', 35],
    ['psychosocial_counselling', 20],
    ['case_management', 15],
    ['legal_counselling', 10],
    ['medical_care', 6],
    ['economic_support', 6],
    ['education_training', 5],
    ['documents_support', 3],
  ]),
  hotline: new Weighted([
    ['hotline_consultation', 60],
    ['psychosocial_counselling', 20],
    ['legal_counselling', 15],
    ['other', 5],
  ]),
  district_task_force_legal_aid: new Weighted([
    ['legal_counselling', 35],
    ['legal_representation', 20],
    ['protection_order_support', 20],
    ['documents_support', 10],
    ['case_management', 10],
    ['other', 5],
  ]),
  resource_centre: new Weighted([
    ['psychosocial_counselling', 25],
    ['economic_support', 25],
    ['education_training', 25],
    ['legal_counselling', 15],
    ['case_management', 10],
  ]),
};

export const REFERRAL_SOURCE = new Weighted<string>([
  ['police', 25],
  ['health_facility', 15],
  ['community_leader', 12],
  ['jamoat', 10],
  ['hotline', 10],
  ['family_friends', 10],
  ['ngo', 7],
  ['women_family_committee', 6],
  ['crisis_centre', 2],
  ['school', 2],
  ['legal_aid', 1],
]);

export const REFERRAL_DESTINATION = new Weighted<string>([
  ['health_facility', 25],
  ['legal_aid', 20],
  ['shelter', 12],
  ['police', 12],
  ['crisis_centre', 8],
  ['ngo', 8],
  ['women_family_committee', 6],
  ['jamoat', 4],
  ['international_organisation', 2],
  ['school', 2],
  ['other', 1],
]);

export const HOTLINE_TOPIC = new Weighted<string>([
  ['domestic_violence', 34],
  ['psychological_support', 18],
  ['legal_questions', 16],
  ['migration_related', 8],
  ['information', 8],
  ['child_protection', 5],
  ['shelter_request', 4],
  ['sexual_violence', 3],
  ['economic_support', 2],
  ['other', 2],
]);

export const CALLER_SEX = new Weighted<string>([
  ['F', 84],
  ['M', 14],
  ['U', 2],
]);

export const CALLER_AGE_BAND = new Weighted<string>([
  ['Y12T17', 5],
  ['Y18T24', 22],
  ['Y25T34', 33],
  ['Y35T49', 27],
  ['Y50T64', 9],
  ['Y65T120', 4],
]);
