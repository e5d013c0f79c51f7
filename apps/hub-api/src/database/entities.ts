import { AccountEntity } from '../accounts/account.entity';
import { AuditEntryEntity } from '../audit/audit-entry.entity';
import { LIBRARY_ENTITIES } from '../libraries/entities';

/** Every TypeORM entity of the hub (one list, so the app, the CLI and the drift check agree). */
export const HUB_ENTITIES = [AccountEntity, AuditEntryEntity, ...LIBRARY_ENTITIES];
