import { AGE_BAND } from './age-band';
import { Codelist } from './codelist';
import { REGION } from './region';
import { SEX } from './sex';

export * from './codelist';
export * from './age-band';
export { SEX } from './sex';
export { REGION } from './region';

/** Every codelist of the standard, in a stable order. */
export const CODELISTS: readonly Codelist[] = [SEX, AGE_BAND, REGION];
