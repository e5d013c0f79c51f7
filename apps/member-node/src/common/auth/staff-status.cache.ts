import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { NodeRole } from './principal';

/**
 * Reads whether an account is still active, its role, and its password version (when its
 * password last changed, in ms); one indexed lookup per request, a small node needs no cache layer.
 */
@Injectable()
export class StaffStatusCache {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async current(id: string): Promise<{ active: boolean; role: NodeRole; passwordChangedAt: number } | undefined> {
    const rows: { active: boolean; role: NodeRole; changed: string }[] = await this.db.query(
      'SELECT active, role, floor(extract(epoch FROM password_changed_at) * 1000)::bigint AS changed FROM staff_accounts WHERE id = $1',
      [id],
    );
    return rows[0] && { active: rows[0].active, role: rows[0].role, passwordChangedAt: Number(rows[0].changed) };
  }
}
