import { AccountEntity } from './account.entity';
import { AccountModel } from './models/session.model';

export function toAccountModel(e: AccountEntity): AccountModel {
  return { id: e.id, email: e.email, displayName: e.displayName, role: e.role, memberId: e.memberId, active: e.active, mustChangePassword: e.mustChangePassword };
}
