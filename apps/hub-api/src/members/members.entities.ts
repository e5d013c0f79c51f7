import { ApplicationAttemptEntity } from './application-attempt.entity';
import { MemberCredentialEntity } from './member-credential.entity';
import { MemberKeyEntity } from './member-key.entity';
import { MemberEntity } from './member.entity';

export const MEMBERS_ENTITIES = [MemberEntity, MemberCredentialEntity, MemberKeyEntity, ApplicationAttemptEntity];
