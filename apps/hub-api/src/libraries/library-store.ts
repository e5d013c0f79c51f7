import type { StandardIndex } from '@paivand/schema';
import { EntityManager } from 'typeorm';
import type { Principal } from '../common/auth/principal';
import { HubError } from '../common/errors/hub.error';
import { LibraryDocumentEntity, LibraryDocumentVersionEntity, LibraryVersionFileEntity } from './entities';
import { LibraryDocumentFields } from './dto/library-document.input';
import { ADMITTED_STATUSES, MemberEntity } from '../members/member.entity';
import { assertPerson, isModerator, managesDocument, ownsDocument } from './library-access';
import { editMode } from './moderation/transitions';

/** Locks the document row for the rest of the transaction (one writer at a time per document). */
export async function lockDocument(tx: EntityManager, id: string): Promise<LibraryDocumentEntity> {
  const doc = await tx.getRepository(LibraryDocumentEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!doc) throw new HubError('NOT_FOUND', 'No such library document', { reason: 'LIBRARY_DOCUMENT_NOT_FOUND' });
  return doc;
}

/** A document the actor owns; one it sees but does not own is FORBIDDEN (`notOwner` says why), one it cannot see (or none) NOT_FOUND. */
export function requireOwned(actor: Principal, doc: LibraryDocumentEntity | null, notOwner: string): LibraryDocumentEntity {
  if (doc && ownsDocument(actor, doc)) return doc;
  if (doc && managesDocument(actor, doc)) throw new HubError('FORBIDDEN', notOwner, { reason: 'NOT_DOCUMENT_OWNER' });
  throw new HubError('NOT_FOUND', 'No such library document', { reason: 'LIBRARY_DOCUMENT_NOT_FOUND' });
}

/** Locks a document a person owns (see requireOwned); nodes write nothing in the libraries. */
export async function lockOwnedDocument(tx: EntityManager, actor: Principal, id: string, notOwner: string): Promise<LibraryDocumentEntity> {
  assertPerson(actor);
  return requireOwned(actor, await lockDocument(tx, id), notOwner);
}

export async function versionById(tx: EntityManager, id: string): Promise<LibraryDocumentVersionEntity> {
  return tx.getRepository(LibraryDocumentVersionEntity).findOneOrFail({ where: { id } });
}

/**
 * Characters of a version's files' text that are indexed. A tsvector holds at most 1 MB, and a
 * Russian or English body is indexed twice (folded, and by its language): 400,000 characters of
 * varied Russian text made 1.5 MB and failed the upload. 150,000 characters (some 25,000 words)
 * stay under the limit whatever the words.
 */
export const INDEXED_BODY_CHARS = 150_000;

/**
 * Recomputes a version's extracted text and search vector from its metadata and files
 * (library_search_vector, defined in the migration, is the one definition of the index).
 */
export async function refreshSearch(tx: EntityManager, versionId: string): Promise<void> {
  try {
    await updateSearch(tx, versionId);
  } catch (err) {
    // program_limit_exceeded: a search vector over 1 MB (titles and summaries are bounded, so hardly reachable)
    if ((err as { code?: unknown }).code !== '54000') throw err;
    throw new HubError('PAYLOAD_TOO_LARGE', 'The document has more text than the library can index', { reason: 'LIBRARY_TEXT_TOO_LARGE' });
  }
}

async function updateSearch(tx: EntityManager, versionId: string): Promise<void> {
  await tx.query(
    `WITH body AS (
       SELECT left(coalesce(string_agg(b.extracted_text, ' ' ORDER BY f.attached_at, f.sha256), ''), ${INDEXED_BODY_CHARS}) AS t
       FROM library_version_files f JOIN library_blobs b ON b.sha256 = f.sha256
       WHERE f.version_id = $1 AND b.extracted_text IS NOT NULL)
     UPDATE library_document_versions v
     SET body_text = body.t,
         search_vector = library_search_vector(v.title_tg, v.title_ru, v.title_en, v.summary_tg, v.summary_ru, v.summary_en,
           body.t, v.language, concat_ws(' ', array_to_string(v.tags, ' '), array_to_string(v.authors, ' '), v.organisation_name))
     FROM body WHERE v.id = $1`,
    [versionId],
  );
}

/**
 * The rules that need the merged document or the actor (the input's own rules are checked
 * at the edge, see CreateLibraryDocumentInput): one organisation, the caller's own member unless
 * a coordinator credits it (see checkOrganisationMember), and every required value present after
 * an update.
 */
export function checkFields(merged: LibraryDocumentFields, actor: Principal): void {
  const problems: { field: string; code?: string; messages: string[] }[] = [];
  if (!merged.title?.tg && !merged.title?.ru && !merged.title?.en) problems.push({ field: 'title', messages: ['give a title in at least one of tg, ru, en'] });
  if (!merged.organisationMemberId === !merged.organisationName) {
    problems.push({ field: 'organisationMemberId', messages: ['give either a member organisation or an outside organisation name'] });
  } else if (!isModerator(actor) && merged.organisationMemberId && merged.organisationMemberId !== actor.memberId) {
    // a researcher has no member: an organisation of hers goes in organisationName
    problems.push({ field: 'organisationMemberId', code: 'NOT_OWN_MEMBER', messages: ['you may name only your own member organisation; give another organisation as organisationName'] });
  }
  for (const key of ['kind', 'accessLevel', 'year', 'language'] as const) {
    // null too: an update cannot clear a value the document needs.
    if (merged[key] === undefined || merged[key] === null) problems.push({ field: key, messages: ['required'] });
  }
  if (problems.length > 0) {
    throw new HubError('BAD_USER_INPUT', `Invalid input: ${problems.map((p) => p.field).join(', ')}`, { reason: 'VALIDATION_FAILED', fields: problems });
  }
}

/**
 * A document is credited to a member (organisationMemberId) only if the Association has admitted it
 * (a suspended one too: its earlier work stays its own). Else a document could be credited to an id
 * no centre has, or to an application; see checkFields for who may credit whom.
 */
export async function checkOrganisationMember(tx: EntityManager, memberId: string | null | undefined): Promise<void> {
  if (!memberId) return;
  const member = await tx.getRepository(MemberEntity).findOne({ select: { id: true, status: true }, where: { id: memberId } });
  if (member && ADMITTED_STATUSES.includes(member.status)) return;
  throw new HubError('BAD_USER_INPUT', 'Invalid input: organisationMemberId', {
    reason: 'VALIDATION_FAILED',
    fields: [{ field: 'organisationMemberId', code: 'UNKNOWN_MEMBER', messages: ['no admitted member has this id'] }],
  });
}

/**
 * Themes and dataset ids against the version of the standard current now (the input rules check
 * the version this hub process last read, which another replica's publication may have changed).
 */
export function checkCodes(merged: LibraryDocumentFields, standard: StandardIndex): void {
  const problems: { field: string; messages: string[] }[] = [];
  const themes = (merged.themes ?? []).filter((t) => !standard.hasCode('library_theme', t));
  if (themes.length > 0) problems.push({ field: 'themes', messages: [`themes: not in the library_theme codelist: ${themes.join(', ')}`] });
  const datasets = (merged.datasetIds ?? []).filter((d) => standard.dataset(d) === undefined);
  if (datasets.length > 0) problems.push({ field: 'datasetIds', messages: [`datasetIds: not a dataset of the standard: ${datasets.join(', ')}`] });
  if (problems.length > 0) {
    throw new HubError('BAD_USER_INPUT', `Invalid input: ${problems.map((p) => p.field).join(', ')}`, { reason: 'VALIDATION_FAILED', fields: problems });
  }
}

/** The input merged over a version's current values (update changes only what it names). */
export function mergeFields(v: LibraryDocumentVersionEntity | undefined, i: LibraryDocumentFields): LibraryDocumentFields {
  const pick = <T>(given: T | undefined, current: T | undefined): T | undefined => (given !== undefined ? given : current);
  const orgGiven = i.organisationMemberId !== undefined || i.organisationName !== undefined;
  return {
    kind: pick(i.kind, v?.kind),
    accessLevel: pick(i.accessLevel, v?.accessLevel),
    title: i.title ?? (v ? { tg: v.titleTg ?? undefined, ru: v.titleRu ?? undefined, en: v.titleEn ?? undefined } : undefined),
    summary: i.summary ?? (v ? { tg: v.summaryTg ?? undefined, ru: v.summaryRu ?? undefined, en: v.summaryEn ?? undefined } : undefined),
    authors: pick(i.authors, v?.authors),
    organisationMemberId: orgGiven ? i.organisationMemberId : (v?.organisationMemberId ?? undefined),
    organisationName: orgGiven ? i.organisationName : (v?.organisationName ?? undefined),
    year: pick(i.year, v?.year),
    language: pick(i.language, v?.language),
    tags: pick(i.tags, v?.tags),
    themes: pick(i.themes, v?.themes),
    datasetIds: pick(i.datasetIds, v?.datasetIds),
  };
}

const normaliseTags = (tags: string[] | undefined): string[] => [...new Set((tags ?? []).map((t) => t.trim().toLowerCase()).filter(Boolean))];

/** Column values of a version from checked fields. */
export function versionColumns(f: LibraryDocumentFields): Partial<LibraryDocumentVersionEntity> {
  return {
    kind: f.kind!,
    accessLevel: f.accessLevel!,
    titleTg: f.title?.tg ?? null,
    titleRu: f.title?.ru ?? null,
    titleEn: f.title?.en ?? null,
    summaryTg: f.summary?.tg ?? null,
    summaryRu: f.summary?.ru ?? null,
    summaryEn: f.summary?.en ?? null,
    authors: (f.authors ?? []).map((a) => a.trim()),
    organisationMemberId: f.organisationMemberId ?? null,
    organisationName: f.organisationName?.trim() ?? null,
    year: f.year!,
    language: f.language!,
    tags: normaliseTags(f.tags),
    themes: [...new Set(f.themes ?? [])],
    datasetIds: [...new Set(f.datasetIds ?? [])],
  };
}

/**
 * The version an edit by `actor` applies to: the latest one when still a draft or sent back,
 * else a new draft copied from the latest (with its files), leaving the published one visible.
 */
export async function editableVersion(
  tx: EntityManager,
  doc: LibraryDocumentEntity,
  actor: Principal,
): Promise<{ version: LibraryDocumentVersionEntity; created: boolean }> {
  const latest = await versionById(tx, doc.latestVersionId!);
  const mode = editMode(latest.status);
  if (mode === 'in_place') return { version: latest, created: false };
  if (mode === 'locked') {
    throw new HubError('CONFLICT', 'The document is under review; wait for the Association or ask it to send the document back', {
      reason: 'LIBRARY_VERSION_UNDER_REVIEW',
    });
  }
  const repo = tx.getRepository(LibraryDocumentVersionEntity);
  const { id: _id, createdAt: _c, searchVector: _s, document: _d, ...copy } = latest;
  const fresh = await repo.save(
    repo.create({
      ...copy,
      version: latest.version + 1,
      status: 'draft',
      reviewNote: null,
      submittedAt: null,
      reviewedAt: null,
      publishedAt: null,
      createdBy: actor.id,
    }),
  );
  await tx.query(
    `INSERT INTO library_version_files (version_id, sha256, file_name, attached_at)
     SELECT $2, sha256, file_name, attached_at FROM library_version_files WHERE version_id = $1`,
    [latest.id, fresh.id],
  );
  await tx.getRepository(LibraryDocumentEntity).update({ id: doc.id }, { latestVersionId: fresh.id });
  doc.latestVersionId = fresh.id;
  await refreshSearch(tx, fresh.id);
  return { version: fresh, created: true };
}

export async function filesOf(tx: EntityManager, versionId: string): Promise<LibraryVersionFileEntity[]> {
  return tx.getRepository(LibraryVersionFileEntity).find({ where: { versionId } });
}
