import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { NodeRole } from './principal';

/** Reads whether an account is still active (one indexed lookup per request; a small node needs no cache layer). */
@Injectable()
export class StaffStatusCache {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async current(id: string): Promise<{ active: boolean; role: NodeRole } | undefined> {
    const rows: { active: boolean; role: NodeRole }[] = await this.db.query('SELECT active, role FROM staff_accounts WHERE id = $1', [id]);
    return rows[0];
  }
}
