import { AttemptRow } from '@paivand/nest-common';
import { Entity } from 'typeorm';

/** Membership applications stored per hashed source in a day (see ApplicationAttempts1764000000000). */
@Entity({ name: 'application_attempts' })
export class ApplicationAttemptEntity extends AttemptRow {}
