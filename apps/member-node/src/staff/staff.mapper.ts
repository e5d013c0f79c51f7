import { StaffAccountModel } from './models/staff.model';
import { StaffAccountEntity } from './staff-account.entity';

export function toStaffAccountModel(e: StaffAccountEntity): StaffAccountModel {
  return { id: e.id, username: e.username, displayName: e.displayName, role: e.role, active: e.active, mustChangePassword: e.mustChangePassword, createdAt: e.createdAt };
}
