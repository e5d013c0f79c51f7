import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { Principal } from '../../common/auth/principal';
import { HubError } from '../../common/errors/hub.error';
import { LibraryScope, ListLibraryDocumentsInput, SearchLibraryInput } from '../dto/search.input';
import { LibraryDocumentEntity, LibraryDocumentVersionEntity } from '../entities';
import { assertPerson, isModerator, managesDocument, readableAccessLevels } from '../library-access';
import { toLibraryDocumentModel } from '../library.mapper';
import { LibraryDocumentModel, LibraryDocumentPage, LibrarySearchResult } from '../models/library-document.model';
import { applyFilter, buildSearchSql, readableVersions, snippetHtml, SqlWhere } from './library-sql';

interface Row {
  version_id: string;
  document_id: string;
  published_version: number | null;
  total: string;
}

/** Reading the libraries: one document, its history, listings and full-text search, each filtered by who asks. */
@Injectable()
export class LibraryQueryService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Readers get the published version; the author and the Association the latest (or the one asked for). */
  async get(p: Principal | undefined, id: string, version?: number): Promise<LibraryDocumentModel> {
    const doc = await this.db.getRepository(LibraryDocumentEntity).findOne({ where: { id } });
    const versions = this.db.getRepository(LibraryDocumentVersionEntity);
    if (doc && managesDocument(p, doc)) {
      const v = await versions.findOne({ where: version ? { documentId: id, version } : { id: doc.latestVersionId! } });
      if (v) return toLibraryDocumentModel(doc, v, { showReview: true, publishedVersion: await this.publishedNumber(doc) });
    } else if (doc?.publishedVersionId) {
      const v = await versions.findOne({ where: { id: doc.publishedVersionId } });
      if (v && readableAccessLevels(p).includes(v.accessLevel) && (version === undefined || version === v.version)) {
        return toLibraryDocumentModel(doc, v, { showReview: false, publishedVersion: v.version });
      }
    }
    throw new HubError('NOT_FOUND', 'No such library document', { reason: 'LIBRARY_DOCUMENT_NOT_FOUND' });
  }

  /** Every version, newest first (author and Association only). */
  async history(p: Principal, id: string): Promise<LibraryDocumentModel[]> {
    const doc = await this.db.getRepository(LibraryDocumentEntity).findOne({ where: { id } });
    if (!doc || !managesDocument(p, doc)) throw new HubError('NOT_FOUND', 'No such library document', { reason: 'LIBRARY_DOCUMENT_NOT_FOUND' });
    const all = await this.db.getRepository(LibraryDocumentVersionEntity).find({ where: { documentId: id }, order: { version: 'DESC' } });
    const published = all.find((v) => v.id === doc.publishedVersionId)?.version ?? null;
    return all.map((v) => toLibraryDocumentModel(doc, v, { showReview: true, publishedVersion: published }));
  }

  async list(p: Principal | undefined, input: ListLibraryDocumentsInput): Promise<LibraryDocumentPage> {
    const w = new SqlWhere();
    let order: string;
    if (input.scope === LibraryScope.PUBLISHED) {
      readableVersions(w, p);
      order = 'v.published_at DESC, v.id';
    } else {
      if (!p) throw new HubError('UNAUTHENTICATED', 'Sign in to list your documents');
      assertPerson(p);
      if (input.scope === LibraryScope.ALL && !isModerator(p)) throw new HubError('FORBIDDEN', 'Only the Association lists every document');
      w.add('v.id = d.latest_version_id');
      if (input.scope === LibraryScope.MINE) {
        w.add(
          p.role === 'member' && p.memberId
            ? `(d.owner_account_id = ${w.param(p.id)} OR d.owner_member_id = ${w.param(p.memberId)})`
            : `d.owner_account_id = ${w.param(p.id)}`,
        );
      }
      if (input.status) w.add(`v.status = ${w.param(input.status)}`);
      order = 'coalesce(v.submitted_at, v.created_at) DESC, v.id';
    }
    applyFilter(w, input.filter);
    const rows: Row[] = await this.db.query(
      `SELECT v.id AS version_id, d.id AS document_id, pv.version AS published_version, count(*) OVER () AS total
       FROM library_document_versions v
       JOIN library_documents d ON d.id = v.document_id
       LEFT JOIN library_document_versions pv ON pv.id = d.published_version_id
       WHERE ${w.toString()}
       ORDER BY ${order}
       LIMIT ${w.param(input.limit)} OFFSET ${w.param(input.offset)}`,
      w.params,
    );
    const showReview = input.scope !== LibraryScope.PUBLISHED;
    const models = await this.models(rows, showReview);
    return { total: rows.length > 0 ? Number(rows[0].total) : 0, offset: input.offset, limit: input.limit, items: models };
  }

  /** Ranked full-text search over the published versions the caller may read. */
  async search(p: Principal | undefined, input: SearchLibraryInput): Promise<LibrarySearchResult> {
    const { text, params } = buildSearchSql(p, input);
    const rows: (Row & { rank: number; snippet: string })[] = await this.db.query(text, params);
    const models = await this.models(rows, false);
    return {
      total: rows.length > 0 ? Number(rows[0].total) : 0,
      offset: input.offset,
      limit: input.limit,
      hits: rows.map((r, i) => ({ document: models[i], rank: Number(r.rank), snippet: snippetHtml(r.snippet ?? '') })),
    };
  }

  private async publishedNumber(doc: LibraryDocumentEntity): Promise<number | null> {
    if (!doc.publishedVersionId) return null;
    const v = await this.db.getRepository(LibraryDocumentVersionEntity).findOne({ where: { id: doc.publishedVersionId }, select: { id: true, version: true } });
    return v?.version ?? null;
  }

  /** Loads the versions of a page in one query, keeping the page's order. */
  private async models(rows: Row[], showReview: boolean): Promise<LibraryDocumentModel[]> {
    if (rows.length === 0) return [];
    const versions = await this.db.getRepository(LibraryDocumentVersionEntity).findBy({ id: In(rows.map((r) => r.version_id)) });
    const byId = new Map(versions.map((v) => [v.id, v]));
    return rows.map((r) =>
      toLibraryDocumentModel({ id: r.document_id, publishedVersionId: null }, byId.get(r.version_id)!, {
        showReview,
        publishedVersion: r.published_version === null ? null : Number(r.published_version),
      }),
    );
  }
}
