import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { NodeRole } from './principal';

/**
 * Reads whether an account is still active, its role, its password version (when its
 * password last changed, in ms) and whether that password is a temporary one; one indexed lookup per request, a small node needs no cache layer.
 */
@Injectable()
export class StaffStatusCache {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async current(id: string): Promise<{ active: boolean; role: NodeRole; passwordChangedAt: number; mustChangePassword: boolean } | undefined> {
    const rows: { active: boolean; role: NodeRole; changed: string; must_change_password: boolean }[] = await this.db.query(
      'SELECT active, role, floor(extract(epoch FROM password_changed_at) * 1000)::bigint AS changed, must_change_password FROM staff_accounts WHERE id = $1',
      [id],
    );
    return rows[0] && { active: rows[0].active, role: rows[0].role, passwordChangedAt: Number(rows[0].changed), mustChangePassword: rows[0].must_change_password };
  }
}
