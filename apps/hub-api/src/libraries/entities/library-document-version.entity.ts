import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { AccessLevel, ContentLanguage, LibraryKind, VersionStatus } from '../library-codes';
import { LibraryDocumentEntity } from './library-document.entity';

/** One version of a document's metadata and files; editing a published document makes a new one. */
@Entity({ name: 'library_document_versions' })
@Check('library_versions_status_check', `status IN ('draft','submitted','changes_requested','published','rejected','withdrawn','superseded')`)
@Check('library_versions_access_check', `access_level IN ('public','members_and_researchers','members_only')`)
@Check('library_versions_title_check', `coalesce(title_tg, title_ru, title_en) IS NOT NULL`)
@Check('library_versions_organisation_check', `(organisation_member_id IS NULL) <> (organisation_name IS NULL)`)
@Index('library_versions_document_version_key', ['documentId', 'version'], { unique: true })
@Index('library_versions_status_idx', ['status', 'publishedAt'])
// Partial and GIN indexes TypeORM cannot describe; the migration owns them.
@Index('library_versions_one_published', { synchronize: false })
@Index('library_versions_search_idx', { synchronize: false })
@Index('library_versions_themes_idx', { synchronize: false })
export class LibraryDocumentVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'document_id', type: 'uuid' })
  documentId!: string;

  @ManyToOne(() => LibraryDocumentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'document_id', foreignKeyConstraintName: 'FK_library_versions_document' })
  document?: LibraryDocumentEntity;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'text' })
  status!: VersionStatus;

  @Column({ type: 'text' })
  kind!: LibraryKind;

  @Column({ name: 'access_level', type: 'text' })
  accessLevel!: AccessLevel;

  @Column({ name: 'title_tg', type: 'text', nullable: true })
  titleTg!: string | null;

  @Column({ name: 'title_ru', type: 'text', nullable: true })
  titleRu!: string | null;

  @Column({ name: 'title_en', type: 'text', nullable: true })
  titleEn!: string | null;

  @Column({ name: 'summary_tg', type: 'text', nullable: true })
  summaryTg!: string | null;

  @Column({ name: 'summary_ru', type: 'text', nullable: true })
  summaryRu!: string | null;

  @Column({ name: 'summary_en', type: 'text', nullable: true })
  summaryEn!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  authors!: string[];

  @Column({ name: 'organisation_member_id', type: 'uuid', nullable: true })
  organisationMemberId!: string | null;

  @Column({ name: 'organisation_name', type: 'text', nullable: true })
  organisationName!: string | null;

  @Column({ type: 'integer' })
  year!: number;

  @Column({ type: 'text' })
  language!: ContentLanguage;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags!: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  themes!: string[];

  @Column({ name: 'dataset_ids', type: 'text', array: true, default: () => "'{}'" })
  datasetIds!: string[];

  /** Text extracted from the version's PDFs (for search and snippets). */
  @Column({ name: 'body_text', type: 'text', default: () => "''" })
  bodyText!: string;

  /** Maintained by the service with library_search_vector(); never selected by default. */
  @Column({ name: 'search_vector', type: 'tsvector', default: () => "''", select: false })
  searchVector!: string;

  @Column({ name: 'review_note', type: 'text', nullable: true })
  reviewNote!: string | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt!: Date | null;

  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true })
  reviewedAt!: Date | null;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}
