import { AGE_BAND } from './age-band';
import { CENTRE_TYPE } from './centre-type';
import { MARITAL_STATUS, MIGRATION_STATUS } from './client-status';
import { Codelist } from './codelist';
import { DISTRICT } from './district';
import { FAMILY_LAW_FORM } from './family-law-form';
import { HOTLINE_TOPIC } from './hotline-topic';
import { LIBRARY_THEME } from './library-theme';
import { PERPETRATOR_RELATIONSHIP } from './perpetrator-relationship';
import { REFERRAL_DESTINATION, REFERRAL_SOURCE } from './referral';
import { REGION } from './region';
import { SERVICE_OUTCOME, SERVICE_TYPE } from './service';
import { SEX } from './sex';
import { VIOLENCE_TYPE } from './violence-type';

export * from './codelist';
export * from './age-band';
export * from './violence-type';
export * from './lookup';
export { districtsOf, DISTRICT } from './district';
export { SEX } from './sex';
export { REGION } from './region';
export { FAMILY_LAW_FORM } from './family-law-form';
export { PERPETRATOR_RELATIONSHIP } from './perpetrator-relationship';
export { SERVICE_TYPE, SERVICE_OUTCOME } from './service';
export { REFERRAL_SOURCE, REFERRAL_DESTINATION } from './referral';
export { CENTRE_TYPE } from './centre-type';
export { MIGRATION_STATUS, MARITAL_STATUS } from './client-status';
export { HOTLINE_TOPIC } from './hotline-topic';
export { LIBRARY_THEME } from './library-theme';

/** Every codelist of the standard, in the order of `CODELIST_IDS`. */
export const CODELISTS: readonly Codelist[] = [
  SEX,
  AGE_BAND,
  REGION,
  DISTRICT,
  VIOLENCE_TYPE,
  FAMILY_LAW_FORM,
  PERPETRATOR_RELATIONSHIP,
  SERVICE_TYPE,
  SERVICE_OUTCOME,
  REFERRAL_SOURCE,
  REFERRAL_DESTINATION,
  CENTRE_TYPE,
  MIGRATION_STATUS,
  MARITAL_STATUS,
  HOTLINE_TOPIC,
  LIBRARY_THEME,
];
