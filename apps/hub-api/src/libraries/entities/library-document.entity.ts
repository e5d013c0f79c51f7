import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { LibraryDocumentVersionEntity } from './library-document-version.entity';

/** A document of the libraries: who owns it, and which of its versions is latest and which is published. */
@Entity({ name: 'library_documents' })
export class LibraryDocumentEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'owner_account_id', type: 'uuid' })
  ownerAccountId!: string;

  /** The member organisation of a member owner (its other accounts may manage the document too). */
  @Column({ name: 'owner_member_id', type: 'uuid', nullable: true })
  ownerMemberId!: string | null;

  @Column({ name: 'latest_version_id', type: 'uuid', nullable: true })
  latestVersionId!: string | null;

  @ManyToOne(() => LibraryDocumentVersionEntity, { nullable: true, deferrable: 'INITIALLY DEFERRED' })
  @JoinColumn({ name: 'latest_version_id', foreignKeyConstraintName: 'FK_library_documents_latest' })
  latestVersion?: LibraryDocumentVersionEntity | null;

  @Column({ name: 'published_version_id', type: 'uuid', nullable: true })
  publishedVersionId!: string | null;

  @ManyToOne(() => LibraryDocumentVersionEntity, { nullable: true, deferrable: 'INITIALLY DEFERRED' })
  @JoinColumn({ name: 'published_version_id', foreignKeyConstraintName: 'FK_library_documents_published' })
  publishedVersion?: LibraryDocumentVersionEntity | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
