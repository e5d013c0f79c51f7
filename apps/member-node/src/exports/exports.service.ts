import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import archiver from 'archiver';
import zipEncrypted from 'archiver-zip-encrypted';
import ExcelJS from 'exceljs';
import { once } from 'node:events';
import { finished, PassThrough, Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { AccessLogService } from '../access-log/access-log.service';
import { Principal } from '../common/auth/principal';
import { NodeError } from '../common/errors/node.error';
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
/** Exports downloading at once (each holds a database connection while its client reads). */
const MAX_RUNNING_EXPORTS = 2;
/** How long an export's snapshot may wait, idle, for its client to read on. */
const SNAPSHOT_IDLE_TIMEOUT_S = 600;
/** The application name an export's snapshot connection shows in pg_stat_activity until it ends. */
export const EXPORT_SNAPSHOT_NAME = 'paivand-node export snapshot';

@Injectable()
export class ExportsService {
  private running = 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ring: KeyRing,
    private readonly accessLog: AccessLogService,
  ) {}

  async export(p: Principal, format: ExportFormat, password: string): Promise<{ fileName: string; stream: Readable }> {
    const day = new Date().toISOString().slice(0, 10);
    // Each export holds a connection for as long as its client reads (and a second one a moment, for the log): a few at
    // once, so that downloads left hanging cannot take the pool the register works with
    if (this.running >= MAX_RUNNING_EXPORTS) {
      throw new NodeError('RATE_LIMITED', 'Other exports are still being downloaded; try again when they are done', { reason: 'EXPORTS_BUSY' });
    }
    this.running++;
    // One snapshot for every file and the counts the access log keeps: pages read one after another outside a
    // transaction could miss an incident moved meanwhile, or show it twice, and disagree with the logged counts.
    const snapshot = this.db.createQueryRunner();
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.running--;
      void snapshot
        .query('ROLLBACK')
        .catch(() => undefined)
        .finally(() => void snapshot.release());
    };
    try {
      await snapshot.connect();
      await snapshot.query('START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // a client that stops reading but stays connected: Postgres ends the snapshot after this long idle; and the snapshot
      // named in pg_stat_activity while it lasts, for an operator who wonders what holds a connection so long (one round trip)
      await snapshot.query(
        `SET LOCAL idle_in_transaction_session_timeout = '${SNAPSHOT_IDLE_TIMEOUT_S}s'; SET LOCAL application_name = '${EXPORT_SNAPSHOT_NAME}'`,
      );
      const [{ clients, incidents, consultations }] = await snapshot.manager.query<{ clients: number; incidents: number; consultations: number }[]>(
        `SELECT (SELECT count(*)::int FROM clients WHERE centre_id = $1) AS clients, (SELECT count(*)::int FROM incidents WHERE centre_id = $1) AS incidents,
                (SELECT count(*)::int FROM consultations WHERE centre_id = $1) AS consultations`,
        [p.centreId],
      );
      // logged and committed before the first byte leaves
      await this.db.transaction((tx) => this.accessLog.record(tx, p, p.centreId, 'register.export', 'register', p.centreId, { format, clients, incidents, consultations }));
    } catch (err) {
      release();
      throw err;
    }
    const q = snapshot.manager;
    const archive = archiver.create('zip-encrypted', { zlib: { level: 6 }, encryptionMethod: 'aes256', password });
    // the archive read to its end, failed, or dropped by a client that went away: the snapshot ends, and so does the work
    const stop = new AbortController();
    finished(archive, () => {
      stop.abort();
      release();
    });
    const base = `register-${p.centreId}-${day}`;
    if (format === 'csv') {
      archive.append(Readable.from(csvLines(REGISTER_COLUMNS, registerRows(q, this.ring, p.centreId))), { name: `${base}/register.csv` });
      archive.append(Readable.from(csvLines(SERVICE_COLUMNS, serviceRows(q, this.ring, p.centreId))), { name: `${base}/services.csv` });
      archive.append(Readable.from(csvLines(REFERRAL_COLUMNS, referralRows(q, this.ring, p.centreId))), { name: `${base}/referrals.csv` });
      archive.append(Readable.from(csvLines(CONSULTATION_COLUMNS, consultationRows(q, this.ring, p.centreId))), { name: `${base}/consultations.csv` });
      void archive.finalize().catch((err: unknown) => archive.destroy(err as Error));
    } else {
      const xlsx = new PassThrough();
      archive.append(xlsx, { name: `${base}/register.xlsx` });
      const done = archive.finalize();
      void this.writeWorkbook(xlsx, q, p.centreId, stop.signal)
        .then(() => done)
        .catch((err: unknown) => archive.destroy(err as Error));
    }
    return { fileName: `${base}.zip`, stream: archive };
  }

  /**
   * The workbook, row by row. ExcelJS's writer takes rows whether or not anyone reads its output: the loop
   * waits while the workbook's stream holds more than its buffer (a slow client), and stops when the
   * archive is gone (a client that left), instead of reading and decrypting the whole register into memory.
   */
  private async writeWorkbook(out: PassThrough, q: EntityManager, centreId: string, stop: AbortSignal): Promise<void> {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
    const sheets: [string, readonly string[], AsyncIterable<(string | number | boolean | null)[]>][] = [
      ['register', REGISTER_COLUMNS, registerRows(q, this.ring, centreId)],
      ['services', SERVICE_COLUMNS, serviceRows(q, this.ring, centreId)],
      ['referrals', REFERRAL_COLUMNS, referralRows(q, this.ring, centreId)],
      ['consultations', CONSULTATION_COLUMNS, consultationRows(q, this.ring, centreId)],
    ];
    for (const [name, header, rows] of sheets) {
      const ws = wb.addWorksheet(name);
      ws.addRow([...header]).commit();
      for await (const r of rows) {
        stop.throwIfAborted();
        ws.addRow(r).commit();
        if (out.writableNeedDrain) await once(out, 'drain', { signal: stop });
      }
      ws.commit();
    }
    await wb.commit();
  }
}
