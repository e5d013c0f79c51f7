import { AttemptRow } from '@paivand/nest-common';
import { Entity } from 'typeorm';

/** Failed sign-ins per key (a hash of the username typed, or `ip:<address>`) in the current window. */
@Entity({ name: 'login_throttle' })
export class LoginThrottleEntity extends AttemptRow {}
