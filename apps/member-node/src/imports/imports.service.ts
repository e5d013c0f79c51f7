import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { createHash } from 'node:crypto';
import { PassThrough, Readable, Transform } from 'node:stream';
import { DataSource } from 'typeorm';
import { AccessLogService } from '../access-log/access-log.service';
import { Principal } from '../common/auth/principal';
import { NodeError } from '../common/errors/node.error';
import { NodeConfig } from '../config/node-config';
import { KeyRing } from '../crypto/key-ring';
import { CreateImportInput, ImportIssuesInput } from './dto/import.inputs';
import { CsvError } from './csv-reader';
import { rowSource } from './file-sources';
import { ImportField, resolveColumns } from './import-fields';
import { ImportFileError } from './import-file-error';
import { mappingErrors } from './import-mappings';
import { ImportIssueEntity } from './import-issue.entity';
import { ImportJobEntity } from './import-job.entity';
import { RowMapper, StagedRow } from './row-mapper';
import { importIdPrefix, ImportRowIds, insertIssues, IssueRow, promoteStagedRows, settleStagedRows, StagingBuffer, StagingCopy } from './staging';
import { ValueDictionary } from './value-dictionary';
import { sweepStaleSpools } from './xlsx-reader';

/** Rows validated, encrypted and sent to the staging COPY between progress updates. */
export const IMPORT_BATCH = 1000;
/**
 * Problems stored for one upload, at most: the counters stay exact, the list stops (a file of empty
 * rows under long headers made eight issues a row; 1 MB of it stored 4,000,000 issues, 676 MB).
 */
export const MAX_STORED_ISSUES = 20_000;
/** A header as an issue names it: at most this many characters. */
const MAX_COLUMN_NAME = 200;
/**
 * A node process validating an upload touches its job this often; a job left `validating` and
 * untouched for IMPORT_STALE_AFTER_S (its process died: a restart, a crash, a killed container) is
 * failed as INTERRUPTED by a sweep every IMPORT_SWEEP_MS, and whatever it had staged is deleted.
 * The margin is wide: a busy event loop may fire a heartbeat late, never eight of them.
 */
export const IMPORT_HEARTBEAT_MS = 15_000;
export const IMPORT_STALE_AFTER_S = 120;
/**
 * A validated upload nobody accepted or discarded within this many days expires (EXPIRED): its staged
 * rows, the file's identifiable values sealed, are deleted rather than kept indefinitely. Upload it again.
 */
export const IMPORT_VALIDATED_KEEP_DAYS = 14;
const IMPORT_SWEEP_MS = 60_000;
/** Valid rows sealed and written out as COPY lines together (few, so that they die young). */
const SEAL_BATCH = 64;

/** Columns an import cannot do without (everything else has a default). */
const REQUIRED_FIELDS: readonly ImportField[] = ['clientCode', 'sex', 'district', 'incidentDate', 'reportedDate', 'violenceTypes', 'consentServices', 'consentReporting'];

/** Hashes and counts the bytes of an upload on their way to the parser; refuses a file over the limit. */
function meter(limit: number): Transform & { hash: () => string; bytes: () => number } {
  const h = createHash('sha256');
  let bytes = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      if (bytes > limit) return cb(new ImportFileError('FILE_TOO_LARGE'));
      h.update(chunk);
      cb(null, chunk);
    },
  });
  return Object.assign(t, { hash: () => h.digest('hex'), bytes: () => bytes });
}

/**
 * Two-phase import of an existing register: `upload` streams the file, validates and maps
 * every row, reports each problem (row, column, reason code) and stages the valid rows
 * (encrypted, by COPY); nothing enters the register until `accept`. Memory stays bounded:
 * one batch of rows at a time, deduplication by set-based statements in Postgres.
 */
@Injectable()
export class ImportsService implements OnApplicationBootstrap, OnApplicationShutdown {
  /** How often an upload touches its job (tests shorten it). */
  heartbeatMs = IMPORT_HEARTBEAT_MS;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    @InjectPinoLogger(ImportsService.name) private readonly log: PinoLogger,
    @InjectDataSource() private readonly db: DataSource,
    private readonly ring: KeyRing,
    private readonly accessLog: AccessLogService,
    private readonly config: NodeConfig,
  ) {}

  /**
   * XLSX spools a killed node process left behind (ciphertext only) are removed when a node starts;
   * uploads whose process died are failed (INTERRUPTED) then and every minute after.
   */
  async onApplicationBootstrap(): Promise<void> {
    try {
      const removed = await sweepStaleSpools();
      if (removed > 0) this.log.info({ removed }, 'removed XLSX import spools left by a stopped process');
    } catch (err) {
      this.log.warn({ code: (err as NodeJS.ErrnoException).code }, 'could not sweep old XLSX import spools');
    }
    const sweep = (): void =>
      void Promise.all([this.sweepInterrupted(), this.sweepExpired()]).then(
        ([jobs, expired]) => {
          if (jobs > 0) this.log.info({ jobs }, 'failed uploads whose node process stopped (INTERRUPTED)');
          if (expired > 0) this.log.info({ jobs: expired }, `expired uploads validated more than ${IMPORT_VALIDATED_KEEP_DAYS} days ago and never accepted (EXPIRED)`);
        },
        (err: unknown) => this.log.warn({ error: err instanceof Error ? err.name : 'unknown' }, 'could not sweep interrupted or expired uploads'),
      );
    sweep();
    this.sweeper = setInterval(sweep, IMPORT_SWEEP_MS);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  /**
   * Fails the uploads left `validating` with no heartbeat for IMPORT_STALE_AFTER_S (INTERRUPTED:
   * upload the file again) and deletes what they staged, which a process that died between the end
   * of its COPY and its last update leaves committed; returns how many. A live upload that only
   * looked dead stops at its next progress update, as when discarded.
   */
  async sweepInterrupted(): Promise<number> {
    const [{ n }]: { n: number }[] = await this.db.query(
      `WITH gone AS (
         UPDATE import_jobs SET status = 'failed', failure = 'INTERRUPTED', finished_at = now()
          WHERE status = 'validating' AND coalesce(heartbeat_at, created_at) < now() - make_interval(secs => $1)
          RETURNING id),
       staged AS (DELETE FROM import_staged_rows WHERE job_id IN (SELECT id FROM gone)),
       issues AS (DELETE FROM import_issues WHERE job_id IN (SELECT id FROM gone))
       SELECT count(*)::int AS n FROM gone`,
      [IMPORT_STALE_AFTER_S],
    );
    return n;
  }

  /**
   * Fails the uploads validated more than IMPORT_VALIDATED_KEEP_DAYS ago and neither accepted nor
   * discarded (EXPIRED) and deletes their staged rows; their row problems stay for the user to read.
   * Returns how many. An accept that began first holds the job's row and wins; one after finds EXPIRED.
   */
  async sweepExpired(): Promise<number> {
    const [{ n }]: { n: number }[] = await this.db.query(
      `WITH gone AS (
         UPDATE import_jobs SET status = 'failed', failure = 'EXPIRED'
          WHERE status = 'validated' AND finished_at < now() - make_interval(days => $1)
          RETURNING id),
       staged AS (DELETE FROM import_staged_rows WHERE job_id IN (SELECT id FROM gone))
       SELECT count(*)::int AS n FROM gone`,
      [IMPORT_VALIDATED_KEEP_DAYS],
    );
    return n;
  }

  async create(p: Principal, input: CreateImportInput): Promise<ImportJobEntity> {
    const invalid = mappingErrors(input.columnMapping, input.valueMapping);
    if (invalid.length > 0) {
      throw new NodeError('BAD_USER_INPUT', `Invalid input: ${invalid.map((e) => e.field).join(', ')}`, { reason: 'VALIDATION_FAILED', fields: invalid });
    }
    const repo = this.db.getRepository(ImportJobEntity);
    const columnMapping = Object.fromEntries((input.columnMapping ?? []).map((m) => [m.field, m.column]));
    const valueMapping: Record<string, Record<string, string>> = {};
    for (const v of input.valueMapping ?? []) (valueMapping[v.field] ??= {})[v.value] = v.code;
    return repo.save(repo.create({ centreId: p.centreId, createdBy: p.id, fileName: input.fileName, format: input.format, status: 'created', columnMapping, valueMapping }));
  }

  async job(p: Principal, id: string): Promise<ImportJobEntity> {
    const job = await this.db.getRepository(ImportJobEntity).findOne({ where: { id, centreId: p.centreId } });
    if (!job) throw new NodeError('NOT_FOUND', 'No such import in this centre');
    return job;
  }

  jobs(p: Principal): Promise<ImportJobEntity[]> {
    return this.db.getRepository(ImportJobEntity).find({ where: { centreId: p.centreId }, order: { createdAt: 'DESC' }, take: 100 });
  }

  async issues(p: Principal, input: ImportIssuesInput): Promise<{ items: ImportIssueEntity[]; total: number }> {
    await this.job(p, input.jobId);
    const [items, total] = await this.db
      .getRepository(ImportIssueEntity)
      .findAndCount({ where: { jobId: input.jobId }, order: { rowNumber: 'ASC', id: 'ASC' }, take: input.first, skip: input.offset });
    return { items, total };
  }

  /** Phase one: stream, validate, map, encrypt and stage. The job's counters show progress meanwhile. */
  async upload(p: Principal, id: string, body: Readable, bytesTotal: number | null): Promise<ImportJobEntity> {
    // the ids the accept will give the rows' clients and incidents: their identifiable fields are sealed to them
    const ids = { client: importIdPrefix(), incident: importIdPrefix() };
    const claimed: [unknown[], number] = await this.db.query(
      `UPDATE import_jobs SET status = 'validating', bytes_total = $3, heartbeat_at = now(), client_id_prefix = $4, incident_id_prefix = $5
        WHERE id = $1 AND centre_id = $2 AND status = 'created' RETURNING id`,
      [id, p.centreId, bytesTotal, ids.client, ids.incident],
    );
    if (claimed[1] === 0) {
      await this.job(p, id);
      throw new NodeError('CONFLICT', 'This import already has its file', { reason: 'IMPORT_NOT_AWAITING_FILE' });
    }
    const job = await this.job(p, id);
    const metered = meter(this.config.MAX_IMPORT_BYTES);
    body.once('error', (err) => metered.destroy(err));
    const input = body.pipe(metered);
    const beat = setInterval(
      () => void this.db.query(`UPDATE import_jobs SET heartbeat_at = now() WHERE id = $1 AND status = 'validating'`, [id]).catch(() => undefined),
      this.heartbeatMs,
    );
    beat.unref();
    try {
      await this.validateRows(job, ids, input, metered);
      await drain(input);
      const hash = metered.hash();
      // The same file already accepted, read with the same mappings: nothing new can come of it. Read with
      // other mappings (a value word mapped now that was refused then), it may bring rows in; rows the
      // register holds are reported one by one as ALREADY_IN_REGISTER anyway.
      const same: unknown[] = await this.db.query(
        `SELECT 1 FROM import_jobs WHERE centre_id = $1 AND content_hash = $2 AND status = 'accepted' AND id <> $3
            AND column_mapping = $4::jsonb AND value_mapping = $5::jsonb LIMIT 1`,
        [p.centreId, hash, id, JSON.stringify(job.columnMapping), JSON.stringify(job.valueMapping)],
      );
      const status = same.length > 0 ? 'duplicate_file' : 'validated';
      if (status === 'duplicate_file') await this.db.query('DELETE FROM import_staged_rows WHERE job_id = $1', [id]);
      // Only a job still validating is finished: one discarded meanwhile stays discarded, and loses the rows staged since.
      const finished: [unknown[], number] = await this.db.query(
        `UPDATE import_jobs SET status = $2, content_hash = $3, bytes_processed = $4, finished_at = now() WHERE id = $1 AND status = 'validating' RETURNING id`,
        [id, status, hash, metered.bytes()],
      );
      if (finished[1] === 0) await this.forgetDiscarded(id);
    } catch (err) {
      body.resume();
      if (err instanceof ImportDiscarded) {
        await this.forgetDiscarded(id);
        this.log.info({ importJob: id }, 'import discarded during its upload');
      } else {
        await this.db.query('DELETE FROM import_staged_rows WHERE job_id = $1', [id]);
        const failure = failureOf(err);
        // Never the error's message: a parser's message can quote the file.
        this.log.warn(
          { importJob: id, reason: failure.split(':')[0], csvError: err instanceof CsvError ? err.code : undefined, error: err instanceof Error ? err.name : 'unknown' },
          'import refused',
        );
        await this.db.query(`UPDATE import_jobs SET status = 'failed', failure = $2, finished_at = now() WHERE id = $1 AND status = 'validating'`, [id, failure]);
        // a file refused as a whole: its failure says why, the rows' problems found before it are no use
        await this.db.query('DELETE FROM import_issues WHERE job_id = $1', [id]);
      }
    } finally {
      clearInterval(beat);
    }
    return this.job(p, id);
  }

  /**
   * What an upload wrote for a job discarded (or ended otherwise) while it ran goes: its staged rows, and the
   * report of its rows that the batch in flight, or the duplicate checks after the last one, wrote after the
   * discard had deleted it (a discarded import keeps nothing of its file). Called once the upload's own writes are done.
   */
  private async forgetDiscarded(id: string): Promise<void> {
    await this.db.query('DELETE FROM import_staged_rows WHERE job_id = $1', [id]);
    await this.db.query(`DELETE FROM import_issues WHERE job_id = $1 AND EXISTS (SELECT 1 FROM import_jobs WHERE id = $1 AND status = 'discarded')`, [id]);
  }

  private async validateRows(
    job: ImportJobEntity,
    ids: ImportRowIds,
    input: Readable,
    metered: { bytes: () => number },
  ): Promise<void> {
    const dictionary = new ValueDictionary(job.valueMapping);
    let mapper: RowMapper | undefined;
    let headers: string[] = [];
    let columns: Partial<Record<ImportField, number>> = {};
    const staged = new StagingBuffer(job.id, this.ring, ids);
    const valid: StagedRow[] = [];
    let pending = 0;
    let issues: IssueRow[] = [];
    const counts = { processed: 0, valid: 0, invalid: 0, duplicate: 0 };
    // Set when a progress update finds the job no longer validating (discarded meanwhile): the upload stops.
    let discarded = false;
    let stored = 0;
    const columnOf = (field: ImportField): string => {
      const i = columns[field];
      return i === undefined ? field : headers[i] || field;
    };
    let copy: StagingCopy | undefined;

    // Per batch: the valid rows are sealed and go to Postgres as COPY lines (it loads them while the
    // next batch is parsed); the batch's issues and the progress counters are written on another
    // connection while the next batch is parsed too, one batch of them in flight at a time.
    let bookkeeping: Promise<void> = Promise.resolve();
    const flush = async (): Promise<void> => {
      staged.add(valid);
      valid.length = 0;
      pending = 0;
      await copy?.write(staged.take());
      const batch = issues;
      issues = [];
      const progress = [job.id, counts.processed, counts.valid, counts.invalid, counts.duplicate, metered.bytes()];
      await bookkeeping;
      if (discarded) throw new ImportDiscarded();
      bookkeeping = (async () => {
        await insertIssues(this.db.manager, job.id, batch);
        const updated: [unknown[], number] = await this.db.query(
          `UPDATE import_jobs SET rows_processed = $2, rows_valid = $3, rows_invalid = $4, rows_duplicate = $5, bytes_processed = $6, heartbeat_at = now()
            WHERE id = $1 AND status = 'validating' RETURNING id`,
          progress,
        );
        if (updated[1] === 0) discarded = true;
      })();
      // Awaited by the next flush, or at the end; handled here so that a failure meanwhile is not an unhandled rejection.
      bookkeeping.catch(() => undefined);
    };

    try {
      for await (const { rowNumber, cells } of rowSource(job.format, input)) {
        if (!mapper) {
          headers = cells.map((c) => (c === null || c === undefined ? '' : String(c as string | number).trim()));
          const resolved = resolveColumns(headers, job.columnMapping);
          columns = resolved.columns;
          const missing = [...resolved.missingHeaders, ...REQUIRED_FIELDS.filter((f) => columns[f] === undefined)];
          if (missing.length > 0) throw new ImportFileError('MISSING_COLUMNS', [...new Set(missing)]);
          // Header names are no case data: the failure may name them.
          if (resolved.duplicateHeaders.length > 0) throw new ImportFileError('DUPLICATE_COLUMNS', resolved.duplicateHeaders);
          mapper = new RowMapper(columns, dictionary);
          const headerNames = Object.fromEntries(['clientCode', 'incidentCode'].map((f) => [f, columnOf(f as ImportField)]));
          await this.db.query(`UPDATE import_jobs SET header_names = $2 WHERE id = $1`, [job.id, JSON.stringify(headerNames)]);
          copy = await StagingCopy.open(this.db);
          continue;
        }
        if (cells.every((c) => c === undefined || c === null || c === '')) continue;
        counts.processed++;
        const result = mapper.map(rowNumber, cells);
        if (result.row) {
          counts.valid++;
          pending++;
          valid.push(result.row);
          if (valid.length >= SEAL_BATCH) {
            staged.add(valid);
            valid.length = 0;
          }
        } else {
          counts.invalid++;
          // Left to right, as the user reads the row.
          const ordered = [...result.issues].sort((a, b) => (columns[a.field] ?? Infinity) - (columns[b.field] ?? Infinity));
          for (const i of ordered) {
            if (stored++ >= MAX_STORED_ISSUES) break;
            issues.push({ rowNumber, field: i.field, column: columnOf(i.field).slice(0, MAX_COLUMN_NAME), reason: i.reason });
          }
        }
        if (pending >= IMPORT_BATCH || issues.length >= IMPORT_BATCH) await flush();
      }
      if (!mapper) throw new ImportFileError('EMPTY_FILE');
      await flush();
      await bookkeeping;
      if (discarded) throw new ImportDiscarded();
      const staging = copy;
      copy = undefined;
      await staging?.finish();
    } finally {
      await copy?.abort();
      await bookkeeping.catch(() => undefined);
    }

    // Rows the register already holds, and repeats within the file, leave the staging with an issue each.
    const settled = await this.db.transaction((tx) => settleStagedRows(tx, job.id, job.centreId, columnOf('clientCode'), columnOf('incidentCode')));
    counts.valid -= settled.alreadyInRegister + settled.incidentCodeTaken + settled.clientMismatch + settled.duplicateInFile;
    counts.duplicate += settled.alreadyInRegister + settled.duplicateInFile;
    counts.invalid += settled.incidentCodeTaken + settled.clientMismatch;
    await this.db.query(`UPDATE import_jobs SET rows_valid = $2, rows_invalid = $3, rows_duplicate = $4 WHERE id = $1 AND status = 'validating'`, [
      job.id,
      counts.valid,
      counts.invalid,
      counts.duplicate,
    ]);
  }

  /**
   * Phase two: the valid rows enter the register, in one transaction, with an access-log row.
   * Staged rows that are gone (the staging is UNLOGGED: Postgres empties it after a crash, and a
   * promoted replica has it empty) fail the job (IMPORT_STAGING_LOST: upload the file again) instead
   * of accepting nothing. A writer that takes one of the rows' codes at the same moment (a manual
   * entry, another accept) makes it CONFLICT (IMPORT_RACED_REGISTER: accept again), not an error.
   */
  async accept(p: Principal, id: string): Promise<ImportJobEntity> {
    let lost = false;
    try {
      await this.db.transaction(async (tx) => {
        const job = await tx.getRepository(ImportJobEntity).findOne({ where: { id, centreId: p.centreId }, lock: { mode: 'pessimistic_write' } });
        if (!job) throw new NodeError('NOT_FOUND', 'No such import in this centre');
        if (job.status !== 'validated') throw new NodeError('CONFLICT', `Only a validated import can be accepted (this one is ${job.status})`, { reason: 'IMPORT_NOT_VALIDATED' });
        const [{ staged }]: { staged: number }[] = await tx.query('SELECT count(*)::int AS staged FROM import_staged_rows WHERE job_id = $1', [id]);
        if (staged < job.rowsValid) {
          lost = true;
          return;
        }
        // a job staged before rows were bound (no prefixes) gets new ones: its values open by their column alone
        const ids = job.clientIdPrefix !== null && job.incidentIdPrefix !== null ? { client: job.clientIdPrefix, incident: job.incidentIdPrefix } : undefined;
        const headers = { clientCode: job.headerNames.clientCode ?? job.columnMapping.clientCode ?? 'clientCode', incidentCode: job.headerNames.incidentCode ?? job.columnMapping.incidentCode ?? 'incidentCode' };
        const { imported, clientMismatch, alreadyInRegister, incidentCodeTaken } = await promoteStagedRows(tx, id, p.centreId, headers, ids);
        // rows the register took since the upload (entered by hand, another import) are not imported: each has an issue, and the counters say so
        const invalid = clientMismatch + incidentCodeTaken;
        await tx.query(
          `UPDATE import_jobs SET status = 'accepted', rows_imported = $2, rows_valid = rows_valid - $3 - $4, rows_invalid = rows_invalid + $3, rows_duplicate = rows_duplicate + $4,
                  finished_at = now() WHERE id = $1`,
          [id, imported, invalid, alreadyInRegister],
        );
        await this.accessLog.record(tx, p, p.centreId, 'import.accept', 'import_job', id, { imported });
      });
    } catch (err) {
      if ((err as { code?: unknown }).code !== '23505') throw err;
      throw new NodeError('CONFLICT', 'The register took some of these rows while they were being accepted; accept again', { reason: 'IMPORT_RACED_REGISTER' });
    }
    if (lost) {
      await this.db.query(`DELETE FROM import_staged_rows WHERE job_id = $1`, [id]);
      await this.db.query(`UPDATE import_jobs SET status = 'failed', failure = 'STAGING_LOST', finished_at = now() WHERE id = $1 AND status = 'validated'`, [id]);
      throw new NodeError('CONFLICT', 'The rows of this import are no longer staged (the database was restarted after a crash); upload the file again', { reason: 'IMPORT_STAGING_LOST' });
    }
    return this.job(p, id);
  }

  async discard(p: Principal, id: string): Promise<ImportJobEntity> {
    await this.db.transaction(async (tx) => {
      const job = await tx.getRepository(ImportJobEntity).findOne({ where: { id, centreId: p.centreId }, lock: { mode: 'pessimistic_write' } });
      if (!job) throw new NodeError('NOT_FOUND', 'No such import in this centre');
      if (job.status === 'accepted') throw new NodeError('CONFLICT', 'An accepted import cannot be discarded', { reason: 'IMPORT_ACCEPTED' });
      await tx.query('DELETE FROM import_staged_rows WHERE job_id = $1', [id]);
      // the report of a discarded upload goes too: nothing of the file stays
      await tx.query('DELETE FROM import_issues WHERE job_id = $1', [id]);
      await tx.query(`UPDATE import_jobs SET status = 'discarded', finished_at = now() WHERE id = $1`, [id]);
    });
    return this.job(p, id);
  }
}

/** The upload stopped because the job was discarded meanwhile: not a failure. */
class ImportDiscarded extends Error {
  constructor() {
    super('import discarded during its upload');
    this.name = 'ImportDiscarded';
  }
}

/** The job's `failure`: a reason code with field or header names or a row number, never file content. */
function failureOf(err: unknown): string {
  if (err instanceof ImportFileError) return err.details.length > 0 ? `${err.reason}: ${err.details.join(', ')}` : err.reason;
  if (err instanceof CsvError) {
    if (err.code === 'CSV_INVALID_ENCODING') return 'ENCODING_NOT_UTF8';
    return err.row === null ? 'MALFORMED_FILE' : `MALFORMED_FILE: row ${err.row}`;
  }
  return isCsvError(err) ? 'MALFORMED_FILE' : 'IMPORT_FAILED';
}

function isCsvError(err: unknown): boolean {
  if (err instanceof CsvError) return true;
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('CSV_');
}

/** Reads what the parser left (an XLSX reader stops after the first sheet) so the hash covers the whole file. */
async function drain(stream: Readable): Promise<void> {
  if (stream.readableEnded || stream.destroyed) return;
  const sink = new PassThrough();
  stream.unpipe();
  stream.pipe(sink);
  for await (const _chunk of sink) {
    // discard
  }
}
