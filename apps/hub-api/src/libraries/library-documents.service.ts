import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../common/auth/principal';
import { HubError } from '../common/errors/hub.error';
import { CreateLibraryDocumentInput, UpdateLibraryDocumentInput } from './dto/library-document.input';
import { ModerateLibraryDocumentInput } from './dto/moderation.input';
import { LibraryDocumentEntity, LibraryDocumentVersionEntity } from './entities';
import { assertPerson } from './library-access';
import { toLibraryDocumentModel } from './library.mapper';
import { StandardsService } from '../standards/standards.service';
import {
  checkCodes,
  checkFields,
  checkOrganisationMember,
  editableVersion,
  lockDocument,
  lockOwnedDocument,
  mergeFields,
  refreshSearch,
  versionById,
  versionColumns,
} from './library-store';
import { LibraryDocumentModel } from './models/library-document.model';
import { actorOf, ModerationAction, nextStatus } from './moderation/transitions';

/** Writing documents: creation, edits (new versions when needed) and every moderation step, each in one transaction with its audit row. */
@Injectable()
export class LibraryDocumentsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly standards: StandardsService,
  ) {}

  async create(actor: Principal, input: CreateLibraryDocumentInput): Promise<LibraryDocumentModel> {
    assertPerson(actor);
    const fields = mergeFields(undefined, input);
    if (actor.role === 'member' && !fields.organisationMemberId && !fields.organisationName) fields.organisationMemberId = actor.memberId ?? undefined;
    checkFields(fields, actor);
    checkCodes(fields, await this.standards.current());
    return this.db.transaction(async (tx) => {
      await checkOrganisationMember(tx, fields.organisationMemberId);
      const docs = tx.getRepository(LibraryDocumentEntity);
      const doc = await docs.save(docs.create({ ownerAccountId: actor.id, ownerMemberId: actor.memberId, latestVersionId: null, publishedVersionId: null }));
      const versions = tx.getRepository(LibraryDocumentVersionEntity);
      const v = await versions.save(versions.create({ ...versionColumns(fields), documentId: doc.id, version: 1, status: 'draft', createdBy: actor.id }));
      await docs.update({ id: doc.id }, { latestVersionId: v.id });
      doc.latestVersionId = v.id;
      await refreshSearch(tx, v.id);
      await this.audit.record(tx, actor, 'library.document.create', 'library_document', doc.id, { version: 1, kind: v.kind });
      return this.view(tx, doc, v.id);
    });
  }

  async update(actor: Principal, input: UpdateLibraryDocumentInput): Promise<LibraryDocumentModel> {
    const standard = await this.standards.current();
    return this.db.transaction(async (tx) => {
      const doc = await this.lockOwned(tx, actor, input.id);
      const { version, created } = await editableVersion(tx, doc, actor);
      const fields = mergeFields(version, input);
      checkFields(fields, actor);
      await checkOrganisationMember(tx, fields.organisationMemberId);
      // only what this edit names: a theme the standard has dropped since stays on a document until it is edited
      checkCodes({ themes: input.themes ?? undefined, datasetIds: input.datasetIds ?? undefined }, standard);
      await tx.getRepository(LibraryDocumentVersionEntity).update({ id: version.id }, versionColumns(fields));
      await refreshSearch(tx, version.id);
      await this.audit.record(tx, actor, 'library.document.update', 'library_document', doc.id, {
        version: version.version,
        newVersion: created,
        fields: Object.keys(input).filter((k) => k !== 'id'),
      });
      return this.view(tx, doc, version.id);
    });
  }

  submit(actor: Principal, input: ModerateLibraryDocumentInput): Promise<LibraryDocumentModel> {
    return this.moderate(actor, input, 'submit');
  }

  requestChanges(actor: Principal, input: ModerateLibraryDocumentInput): Promise<LibraryDocumentModel> {
    return this.moderate(actor, input, 'request_changes');
  }

  publish(actor: Principal, input: ModerateLibraryDocumentInput): Promise<LibraryDocumentModel> {
    return this.moderate(actor, input, 'publish');
  }

  reject(actor: Principal, input: ModerateLibraryDocumentInput): Promise<LibraryDocumentModel> {
    return this.moderate(actor, input, 'reject');
  }

  withdraw(actor: Principal, input: ModerateLibraryDocumentInput): Promise<LibraryDocumentModel> {
    return this.moderate(actor, input, 'withdraw');
  }

  private async moderate(actor: Principal, input: ModerateLibraryDocumentInput, action: ModerationAction): Promise<LibraryDocumentModel> {
    if ((action === 'request_changes' || action === 'reject') && !input.note) {
      throw new HubError('BAD_USER_INPUT', 'Invalid input: note', { reason: 'VALIDATION_FAILED', fields: [{ field: 'note', messages: ['tell the author why'] }] });
    }
    return this.db.transaction(async (tx) => {
      const doc = actorOf(action) === 'owner' ? await this.lockOwned(tx, actor, input.id) : await lockDocument(tx, input.id);
      // withdraw acts on the published version; the other steps on the latest one.
      const targetId = action === 'withdraw' ? doc.publishedVersionId : doc.latestVersionId;
      const target = targetId ? await versionById(tx, targetId) : undefined;
      const to = target ? nextStatus(target.status, action) : undefined;
      if (!target || !to) {
        throw new HubError('CONFLICT', `Cannot ${action.replace('_', ' ')} a document whose version is ${target?.status ?? 'not published'}`, {
          reason: 'LIBRARY_TRANSITION_NOT_ALLOWED',
          status: target?.status ?? null,
          action,
        });
      }
      const versions = tx.getRepository(LibraryDocumentVersionEntity);
      const now = new Date();
      if (action === 'publish' && doc.publishedVersionId) {
        // The previously published version steps aside (kept for history) before the new one takes the slot.
        await versions.update({ id: doc.publishedVersionId }, { status: 'superseded' });
      }
      await versions.update(
        { id: target.id },
        {
          status: to,
          ...(action === 'submit' ? { submittedAt: now, reviewNote: null } : { reviewedAt: now }),
          ...(input.note && action !== 'submit' ? { reviewNote: input.note } : {}),
          ...(action === 'publish' ? { publishedAt: now } : {}),
        },
      );
      if (action === 'publish' || action === 'withdraw') {
        const publishedVersionId = action === 'publish' ? target.id : null;
        await tx.getRepository(LibraryDocumentEntity).update({ id: doc.id }, { publishedVersionId });
        doc.publishedVersionId = publishedVersionId;
      }
      await this.audit.record(tx, actor, `library.document.${action}`, 'library_document', doc.id, {
        version: target.version,
        from: target.status,
        to,
        ...(input.note ? { note: input.note } : {}),
      });
      return this.view(tx, doc, target.id);
    });
  }

  private lockOwned(tx: EntityManager, actor: Principal, id: string): Promise<LibraryDocumentEntity> {
    return lockOwnedDocument(tx, actor, id, 'Only the author edits and submits a document');
  }

  private async view(tx: EntityManager, doc: LibraryDocumentEntity, versionId: string): Promise<LibraryDocumentModel> {
    const v = await versionById(tx, versionId);
    const published = doc.publishedVersionId ? (doc.publishedVersionId === v.id ? v : await versionById(tx, doc.publishedVersionId)) : undefined;
    return toLibraryDocumentModel(doc, v, { showReview: true, publishedVersion: published?.version ?? null });
  }
}
