import { AccountEntity } from '../accounts/account.entity';
import { SignInAttemptEntity } from '../accounts/sign-in-attempt.entity';
import { AuditEntryEntity } from '../audit/audit-entry.entity';
import { MEMBERS_ENTITIES } from '../members/members.entities';
import { StandardVersionEntity } from '../standards/standard-version.entity';
import { SUBMISSIONS_ENTITIES } from '../submissions/submissions.entities';
import { LIBRARY_ENTITIES } from '../libraries/entities';
import { ServedHiddenCellEntity } from '../statistics/served-hidden-cell.entity';
import { ServedTableEntity } from '../statistics/served-table.entity';

/** Every TypeORM entity of the hub (one list, so the app, the CLI and the drift check agree). */
export const HUB_ENTITIES = [AccountEntity, SignInAttemptEntity, AuditEntryEntity, ...MEMBERS_ENTITIES, StandardVersionEntity, ...SUBMISSIONS_ENTITIES, ...LIBRARY_ENTITIES, ServedHiddenCellEntity, ServedTableEntity];
