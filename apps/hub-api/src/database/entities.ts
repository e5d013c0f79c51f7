import { AccountEntity } from '../accounts/account.entity';
import { AuditEntryEntity } from '../audit/audit-entry.entity';

/** Every TypeORM entity of the hub (one list, so the app, the CLI and the drift check agree). */
export const HUB_ENTITIES = [AccountEntity, AuditEntryEntity];
