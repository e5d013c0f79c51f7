import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createPublicKey, verify } from 'node:crypto';
import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { ImportSummary, SignedSubmission, SubmissionPayload } from '@paivand/schema';
import { HubError } from '../common/errors/hub.error';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/auth/principal';
import { MemberKeyEntity } from '../members/member-key.entity';
import { isStrongEd25519Key } from '../members/node-keys';
import { StandardsService } from '../standards/standards.service';
import { canonicalForms } from './canonical';
import { copyCells } from './copy-cells';
import { ConflictList, errorSummary, SummaryReference } from './import-summary';
import { SubmissionEntity } from './submission.entity';
import { MAX_INT, shapeError, validateCells } from './validate-submission';

/** A 64-byte Ed25519 signature in base64, exactly as Buffer's toString('base64') writes it. */
const SIGNATURE = /^[A-Za-z0-9+/]{86}==$/;
/** The form above whose padding bits are zero too: the one string that decodes to those bytes (16 others would verify). */
const canonicalSignature = (sig: string): boolean => SIGNATURE.test(sig) && Buffer.from(sig, 'base64').toString('base64') === sig;

/**
 * Whether `signature` signs the canonical payload `signed` under the stored key `publicKeyPem`: only in the
 * exact form of a signature (Buffer.from(.., 'base64') skips what is not base64 and reads base64url too: many
 * strings would verify as one signature, and the stored one would not be the node's), and never under a key of
 * small order (one signature matches every message under it: a key stored before keys were checked).
 */
function signatureHolds(publicKeyPem: string, signature: string, signed: string): boolean {
  const publicKey = createPublicKey(publicKeyPem);
  return canonicalSignature(signature) && isStrongEd25519Key(publicKey) && verify(null, Buffer.from(signed, 'utf8'), publicKey, Buffer.from(signature, 'base64'));
}

type Outcome = { kind: 'refused'; list: ConflictList; hubRevision?: number } | { kind: 'ignored'; existing: SubmissionEntity } | { kind: 'new' | 'revision'; replaces: SubmissionEntity | null };

function referenceOf(input: unknown, principal: Principal): SummaryReference {
  const p = (typeof input === 'object' && input !== null ? (input as { payload?: Record<string, unknown> }).payload : undefined) ?? {};
  const str = (v: unknown): string => (typeof v === 'string' ? v.slice(0, 100) : '');
  return {
    memberId: str(p.memberId) || (principal.memberId ?? ''),
    datasetId: str(p.datasetId),
    period: str(p.period),
    // 0: no valid revision (the schema's reference takes 0 and up)
    revision: typeof p.revision === 'number' && Number.isInteger(p.revision) && p.revision >= 1 && p.revision <= MAX_INT ? p.revision : 0,
  };
}

/** A stored submission checked again from its rows (verifyStored). */
export interface StoredVerification {
  submissionId: string;
  memberId: string;
  keyId: string;
  /** Whether the key is still active (a revoked one still proves what it signed before). */
  keyActive: boolean;
  contentHashHolds: boolean;
  signatureHolds: boolean;
  valid: boolean;
}

/** Receives signed releases: verify, validate, store all or nothing, answer with an import summary. */
@Injectable()
export class SubmissionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly standards: StandardsService,
    private readonly audit: AuditService,
  ) {}

  async submit(principal: Principal, input: unknown, dryRun: boolean, now = new Date(), standardMoves = 0): Promise<ImportSummary> {
    const shape = shapeError(input);
    const ref = referenceOf(input, principal);
    if (shape) {
      return errorSummary(ref, dryRun, 0, [{ code: 'PAYLOAD_INVALID', object: 'payload', message: shape, cellIndexes: [] }]);
    }
    const s = input as SignedSubmission;
    const p = s.payload;
    const cellCount = p.cells.length;
    const refuse = (list: ConflictList): ImportSummary => errorSummary(ref, dryRun, cellCount, list.toArray());
    const pre = new ConflictList();

    if (principal.memberId !== p.memberId) {
      pre.add('MEMBER_MISMATCH', 'member', 'the payload names another member than the signed-in node');
      return refuse(pre);
    }
    /** The same content stored already: a send repeated (a lost acknowledgement), answered as such. */
    const repeated = (existing: SubmissionEntity): ImportSummary => ({
      status: 'WARNING',
      description: `The same content is stored already (revision ${existing.revision}); nothing changed.`,
      dryRun,
      counts: { imported: 0, updated: 0, ignored: cellCount, rejected: 0 },
      conflicts: [],
      reference: ref,
      submissionId: dryRun ? undefined : existing.id,
    });
    // The content stored already (its cells checked against the content hash first: altered cells under a stored
    // envelope are no repeat). One row at most: (member, dataset, period, revision) is unique.
    const forms = canonicalForms(p);
    const hashMatches = createHash('sha256').update(forms.content, 'utf8').digest('hex') === p.contentHash;
    const stored = hashMatches
      ? await this.db
          .getRepository(SubmissionEntity)
          .findOne({ where: { memberId: p.memberId, datasetId: p.datasetId, period: p.period, revision: p.revision, contentHash: p.contentHash } })
      : null;
    // The very bytes the hub verified and stored (key id and signature too): a resend after a lost acknowledgement,
    // answered as a repeat before the key is looked up. The key may have been revoked since (the end of a rotation),
    // and refusing the resend as KEY_UNKNOWN made the node record as refused a release the hub stores and serves.
    if (stored && stored.keyId === s.keyId && stored.signature === s.signature) return repeated(stored);
    const key = await this.db.getRepository(MemberKeyEntity).findOne({ where: { keyId: s.keyId, memberId: p.memberId, active: true } });
    if (!key) {
      pre.add('KEY_UNKNOWN', 'signature', 'keyId is not a registered key of this member');
      return refuse(pre);
    }
    if (!signatureHolds(key.publicKey, s.signature, forms.signed)) {
      pre.add('SIGNATURE_INVALID', 'signature', 'the Ed25519 signature does not match the canonical payload');
      return refuse(pre);
    }
    if (!hashMatches) {
      pre.add('CONTENT_HASH_MISMATCH', 'payload', 'contentHash is not the sha256 of the canonical content');
    }
    // signed again (another key): before the cells are checked again, a table the hub stored under the checks of its
    // day is still the one it holds, and a repeated send of it is not refused by a check added since
    if (stored) return repeated(stored);
    const std = await this.standards.index(p.schemaVersion);
    const dataset = std?.dataset(p.datasetId);
    if (!std) pre.add('SCHEMA_VERSION_UNKNOWN', 'payload', `schema version ${p.schemaVersion} is not published at the hub`);
    else if (!dataset) pre.add('DATASET_UNKNOWN', 'payload', `dataset ${p.datasetId} is not in standard ${p.schemaVersion}`);
    // a differential-privacy release spends the member's budget of the year: the smaller of its version's and the current one's
    let annualEpsilon: number | undefined;
    // the current version the release is checked against: read again, under a lock, where it is stored
    let checkedAgainst: string | undefined;
    if (std && dataset) {
      const current = await this.standards.current();
      checkedAgainst = current.version;
      const currentDataset = current.dataset(p.datasetId);
      const dp = dataset.protection.method === 'differential_privacy' ? dataset.protection.differentialPrivacy : undefined;
      if (dp) annualEpsilon = Math.min(dp.annualEpsilon, currentDataset?.protection.differentialPrivacy?.annualEpsilon ?? Infinity);
      // Zeros are published only where both the release's version and the current one call them structural.
      // A release prepared on an older version is welcome (a node offline for days), but not below the protection
      // the Association has since raised the dataset to: the current version's k, protection range and epsilon
      // bound every release too.
      validateCells(s, std, dataset, now, pre, {
        zerosProtected: !dataset.protection.structuralZeros || (currentDataset !== undefined && !currentDataset.protection.structuralZeros),
        current: current.version !== std.version && currentDataset ? { dataset: currentDataset, version: current.version } : undefined,
      });
    }
    if (pre.size > 0) return refuse(pre);

    const run = async (tx: EntityManager): Promise<ImportSummary> => {
      // A version published since the checks above (on another replica, whose publication this one's cached
      // current version has not seen, or a moment ago here) may raise the floor: the release is checked again
      // against it. FOR SHARE holds a publication (which moves is_current) until this release is stored.
      const [row]: { version: string }[] = await tx.query(`SELECT version FROM standard_versions WHERE is_current FOR SHARE`);
      if (checkedAgainst !== undefined && row?.version !== checkedAgainst) throw new StandardMoved();
      const outcome = await this.decide(tx, s, annualEpsilon);
      if (outcome.kind === 'refused') return outcome.hubRevision === undefined ? refuse(outcome.list) : { ...refuse(outcome.list), hubRevision: outcome.hubRevision };
      if (outcome.kind === 'ignored') return repeated(outcome.existing);
      const counts = { imported: outcome.kind === 'new' ? cellCount : 0, updated: outcome.kind === 'revision' ? cellCount : 0, ignored: 0, rejected: 0 };
      const verb = outcome.kind === 'new' ? 'imported' : `revised (replaces revision ${outcome.replaces?.revision ?? 0})`;
      if (dryRun) return { status: 'SUCCESS', description: `Valid: would be ${verb}. Nothing was stored (dry run).`, dryRun, counts, conflicts: [], reference: ref };
      const id = await this.store(tx, principal, s, outcome.replaces);
      return { status: 'SUCCESS', description: `Stored: ${verb}.`, dryRun, counts, conflicts: [], reference: ref, submissionId: id };
    };
    const again = (): Promise<ImportSummary> => {
      this.standards.forgetCurrent();
      return this.submit(principal, input, dryRun, now, standardMoves + 1);
    };
    if (dryRun) {
      try {
        return await run(this.db.manager);
      } catch (e) {
        if (e instanceof StandardMoved && standardMoves < 2) return again();
        throw e;
      }
    }
    // Two sends of one period racing (a node retrying after its timeout while the first send is still
    // being stored): the unique indexes keep one, and the other is decided again once it is stored, so
    // the same release is `ignored` (WARNING) as when sent after it, and only other content a conflict.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.transaction(run);
      } catch (e) {
        if (e instanceof StandardMoved && standardMoves < 2) return again();
        if ((e as { code?: string }).code !== '23505') throw e;
        if (attempt === 0) continue;
        const list = new ConflictList();
        list.add('REVISION_CONFLICT', 'revision', 'another release of this period was stored at the same time; pull and retry');
        return refuse(list);
      }
    }
  }

  /** Suspension, the key, the revision rules and the DP budget, under locks on the member, its key and the current revision. */
  private async decide(tx: EntityManager, s: SignedSubmission, annualEpsilon?: number): Promise<Outcome> {
    const p = s.payload;
    const list = new ConflictList();
    // The member and its key, locked to the end of the store: a suspension or a key revocation that commits meanwhile
    // waits for it (or comes first and is seen); read outside, either could pass a release in right after it took effect.
    // FOR UPDATE for a differential-privacy release, whose budget check below needs the member to itself.
    const inTx = tx.queryRunner?.isTransactionActive === true;
    const memberLock = !inTx ? '' : p.protection.method === 'differential_privacy' ? 'FOR UPDATE' : 'FOR SHARE';
    const [member]: { status: string }[] = await tx.query(`SELECT status FROM members WHERE id = $1 ${memberLock}`, [p.memberId]);
    if (!member || member.status !== 'admitted') {
      list.add('MEMBER_SUSPENDED', 'member', `member is ${member?.status ?? 'unknown'}; its submissions are refused`);
      return { kind: 'refused', list };
    }
    const current = await tx.getRepository(SubmissionEntity).findOne({
      where: { memberId: p.memberId, datasetId: p.datasetId, period: p.period, isCurrent: true },
      lock: inTx ? { mode: 'pessimistic_write' } : undefined,
    });
    if (current && current.contentHash === p.contentHash) return { kind: 'ignored', existing: current };
    // The same revision with the same content in the history: a send repeated after the release was stored
    // (and, when the send raced the one that stored it, possibly revised since, or no longer found as current
    // by a read that waited for it): nothing to do, as for the current one.
    const stored = await tx.getRepository(SubmissionEntity).findOne({
      where: { memberId: p.memberId, datasetId: p.datasetId, period: p.period, revision: p.revision },
    });
    if (stored && stored.contentHash === p.contentHash) return { kind: 'ignored', existing: stored };
    // (what is stored already is answered as such above, whatever became of its key)
    const [key]: unknown[] = await tx.query(`SELECT 1 FROM member_keys WHERE key_id = $1 AND member_id = $2 AND active ${inTx ? 'FOR SHARE' : ''}`, [s.keyId, p.memberId]);
    if (!key) {
      list.add('KEY_UNKNOWN', 'signature', 'keyId is not a registered key of this member');
      return { kind: 'refused', list };
    }
    if (current && p.revision <= current.revision) {
      list.add('REVISION_CONFLICT', 'revision', `revision ${p.revision} with other content; the hub holds revision ${current.revision}, send a higher one`);
      // the current revision is the highest the hub holds (only a higher one replaces it)
      return { kind: 'refused', list, hubRevision: current.revision };
    }
    if (!current && stored) {
      list.add('REVISION_CONFLICT', 'revision', `revision ${p.revision} is in the history with other content`);
      const [row]: { revision: number | null }[] = await tx.query('SELECT max(revision)::int AS revision FROM submissions WHERE member_id = $1 AND dataset_id = $2 AND period = $3', [
        p.memberId,
        p.datasetId,
        p.period,
      ]);
      return { kind: 'refused', list, hubRevision: row.revision ?? p.revision };
    }
    // A differential-privacy table is released once per period (as nodes do): each revision would bring fresh noise
    // on the same counts, and the versions the hub served could be averaged to take the noise away (its budget spent again).
    if (current && p.protection.method === 'differential_privacy') {
      list.add('REVISION_CONFLICT', 'revision', `a differential-privacy release is not revised: the hub holds revision ${current.revision} of this period`);
      return { kind: 'refused', list };
    }
    // The member's privacy loss of the year, over every differential-privacy release the hub holds of it (DESIGN rule 7:
    // its node refuses to spend past the budget; a node that did not is refused here). Under a lock on the member, so that
    // two releases of different periods cannot both fit in what is left for one.
    if (annualEpsilon !== undefined && p.protection.method === 'differential_privacy') {
      const year = p.period.slice(0, 4);
      const [{ spent }]: { spent: number }[] = await tx.query(
        `SELECT coalesce(sum((protection->>'epsilon')::float8), 0)::float8 AS spent FROM submissions
          WHERE member_id = $1 AND protection->>'method' = 'differential_privacy' AND left(period, 4) = $2`,
        [p.memberId, year],
      );
      const epsilon = p.protection.epsilon ?? 0;
      if (spent + epsilon > annualEpsilon + 1e-9) {
        list.add('BUDGET_EXHAUSTED', 'protection', `epsilon ${epsilon} on top of ${spent} this member already spent in ${year} exceeds the annual budget of ${annualEpsilon}`);
        return { kind: 'refused', list };
      }
    }
    return { kind: current ? 'revision' : 'new', replaces: current };
  }

  private async store(tx: EntityManager, principal: Principal, s: SignedSubmission, replaces: SubmissionEntity | null): Promise<string> {
    const p = s.payload;
    if (replaces) await tx.getRepository(SubmissionEntity).update({ id: replaces.id }, { isCurrent: false });
    const rows = (await tx.query<{ id: string }[]>(
      `INSERT INTO submissions (member_id, dataset_id, period, revision, schema_version, content_hash, key_id, signature, protection, prepared_at, prepared_at_signed, cell_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12) RETURNING id`,
      [p.memberId, p.datasetId, p.period, p.revision, p.schemaVersion, p.contentHash, s.keyId, s.signature, JSON.stringify(p.protection), p.preparedAt, p.preparedAt, p.cells.length],
    ));
    const id = rows[0].id;
    const n = p.cells.length;
    // All cells with one COPY FROM STDIN on the transaction's connection: the cheapest bulk write Postgres has.
    if (!tx.queryRunner) throw new Error('store() runs inside a transaction');
    await copyCells((await tx.queryRunner.connect()) as PoolClient, id, p.cells);
    await this.audit.record(tx, principal, replaces ? 'submission.revise' : 'submission.store', 'submission', id, {
      memberId: p.memberId,
      datasetId: p.datasetId,
      period: p.period,
      revision: p.revision,
      contentHash: p.contentHash,
      cells: n,
      replaces: replaces?.id ?? null,
    });
    return id;
  }

  /**
   * Checks a stored submission again, from the rows alone: the signed payload rebuilt (cells in the order
   * sent, the dimensions of its version of the standard, preparedAt as signed), its content hash, and its
   * signature under the key it names (revoked since or not: the proof is of who sent it then). What the hub
   * can show a member, the Ombudsman or a court: this member's node signed these figures.
   */
  async verifyStored(id: string): Promise<StoredVerification> {
    const row = await this.db.getRepository(SubmissionEntity).findOne({ where: { id } });
    if (!row) throw new HubError('NOT_FOUND', 'No such submission', { reason: 'SUBMISSION_UNKNOWN' });
    const std = await this.standards.index(row.schemaVersion);
    const dataset = std?.dataset(row.datasetId);
    const cells = await this.db.query<{ key: string[]; value: number | null; obs_status: string; conf_status: string }[]>(
      'SELECT key, value, obs_status, conf_status FROM submission_cells WHERE submission_id = $1 ORDER BY idx',
      [id],
    );
    const payload = {
      memberId: row.memberId,
      datasetId: row.datasetId,
      schemaVersion: row.schemaVersion,
      period: row.period,
      revision: row.revision,
      dimensions: dataset?.dimensions.map((d) => d.id) ?? [],
      protection: row.protection,
      cells: cells.map((c) => ({ key: c.key, value: c.value, obsStatus: c.obs_status, confStatus: c.conf_status })),
      contentHash: row.contentHash,
      preparedAt: row.preparedAtSigned ?? row.preparedAt.toISOString(),
    } as SubmissionPayload;
    const forms = canonicalForms(payload);
    const contentHashHolds = createHash('sha256').update(forms.content, 'utf8').digest('hex') === row.contentHash;
    const key = await this.db.getRepository(MemberKeyEntity).findOne({ where: { keyId: row.keyId, memberId: row.memberId } });
    const signed = key !== null && signatureHolds(key.publicKey, row.signature, forms.signed);
    return {
      submissionId: row.id,
      memberId: row.memberId,
      keyId: row.keyId,
      keyActive: key?.active ?? false,
      contentHashHolds,
      signatureHolds: signed,
      valid: dataset !== undefined && contentHashHolds && signed,
    };
  }

  async list(actor: Principal, memberId: string | null, datasetId: string | null, take: number, skip: number): Promise<SubmissionEntity[]> {
    const where: Record<string, unknown> = {};
    if (actor.role === 'member') where.memberId = actor.memberId;
    else if (memberId) where.memberId = memberId;
    if (datasetId) where.datasetId = datasetId;
    return this.db.getRepository(SubmissionEntity).find({ where, order: { receivedAt: 'DESC' }, take, skip });
  }
}

/** The current standard changed between a release's checks and its storing: it is checked again (SubmissionsService.submit). */
class StandardMoved extends Error {
  constructor() {
    super('the current standard changed while a release was checked');
    this.name = 'StandardMoved';
  }
}
