import { AttemptRow } from '@paivand/nest-common';
import { Entity } from 'typeorm';

/** Failed sign-ins of one (email, address) pair, both hashed (see SignInAttempts1763990000000). */
@Entity({ name: 'sign_in_attempts' })
export class SignInAttemptEntity extends AttemptRow {}
