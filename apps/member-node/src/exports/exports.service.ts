import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import archiver from 'archiver';
import zipEncrypted from 'archiver-zip-encrypted';
import ExcelJS from 'exceljs';
import { PassThrough, Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { AccessLogService } from '../access-log/access-log.service';
import { Principal } from '../common/auth/principal';
import { KeyRing } from '../crypto/key-ring';
import { csvLines } from './csv-writer';
import { CONSULTATION_COLUMNS, consultationRows, REFERRAL_COLUMNS, referralRows, REGISTER_COLUMNS, registerRows, SERVICE_COLUMNS, serviceRows } from './export-rows';

export type ExportFormat = 'csv' | 'xlsx';

if (!archiver.isRegisteredFormat('zip-encrypted')) archiver.registerFormat('zip-encrypted', zipEncrypted);

/**
 * Export of the centre's own register (clients and incidents, services, referrals, hotline
 * consultations) as an AES-256 encrypted ZIP (WinZip AE-1, as archiver-zip-encrypted writes it: the
 * files' names, sizes and CRC-32 are readable without the password; 7-Zip and WinZip open it), streamed: rows are read page by page and never
 * held whole. The export is written to the access log before the first byte leaves.
 */
@Injectable()
export class ExportsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ring: KeyRing,
    private readonly accessLog: AccessLogService,
  ) {}

  async export(p: Principal, format: ExportFormat, password: string): Promise<{ fileName: string; stream: Readable }> {
    const day = new Date().toISOString().slice(0, 10);
    await this.db.transaction(async (tx) => {
      const [{ clients, incidents, consultations }]: { clients: number; incidents: number; consultations: number }[] = await tx.query(
        `SELECT (SELECT count(*)::int FROM clients WHERE centre_id = $1) AS clients, (SELECT count(*)::int FROM incidents WHERE centre_id = $1) AS incidents,
                (SELECT count(*)::int FROM consultations WHERE centre_id = $1) AS consultations`,
        [p.centreId],
      );
      await this.accessLog.record(tx, p, p.centreId, 'register.export', 'register', p.centreId, { format, clients, incidents, consultations });
    });
    const archive = archiver.create('zip-encrypted', { zlib: { level: 6 }, encryptionMethod: 'aes256', password });
    const base = `register-${p.centreId}-${day}`;
    if (format === 'csv') {
      archive.append(Readable.from(csvLines(REGISTER_COLUMNS, registerRows(this.db, this.ring, p.centreId))), { name: `${base}/register.csv` });
      archive.append(Readable.from(csvLines(SERVICE_COLUMNS, serviceRows(this.db, this.ring, p.centreId))), { name: `${base}/services.csv` });
      archive.append(Readable.from(csvLines(REFERRAL_COLUMNS, referralRows(this.db, this.ring, p.centreId))), { name: `${base}/referrals.csv` });
      archive.append(Readable.from(csvLines(CONSULTATION_COLUMNS, consultationRows(this.db, this.ring, p.centreId))), { name: `${base}/consultations.csv` });
      void archive.finalize().catch((err: unknown) => archive.destroy(err as Error));
    } else {
      const xlsx = new PassThrough();
      archive.append(xlsx, { name: `${base}/register.xlsx` });
      const done = archive.finalize();
      void this.writeWorkbook(xlsx, p.centreId)
        .then(() => done)
        .catch((err: unknown) => archive.destroy(err as Error));
    }
    return { fileName: `${base}.zip`, stream: archive };
  }

  private async writeWorkbook(out: PassThrough, centreId: string): Promise<void> {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
    const sheets: [string, readonly string[], AsyncIterable<(string | number | boolean | null)[]>][] = [
      ['register', REGISTER_COLUMNS, registerRows(this.db, this.ring, centreId)],
      ['services', SERVICE_COLUMNS, serviceRows(this.db, this.ring, centreId)],
      ['referrals', REFERRAL_COLUMNS, referralRows(this.db, this.ring, centreId)],
      ['consultations', CONSULTATION_COLUMNS, consultationRows(this.db, this.ring, centreId)],
    ];
    for (const [name, header, rows] of sheets) {
      const ws = wb.addWorksheet(name);
      ws.addRow([...header]).commit();
      for await (const r of rows) ws.addRow(r).commit();
      ws.commit();
    }
    await wb.commit();
  }
}
