import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { LibraryBlobEntity } from './library-blob.entity';
import { LibraryDocumentVersionEntity } from './library-document-version.entity';

/** A file attached to a version, under the name its uploader gave it. */
@Entity({ name: 'library_version_files' })
@Index('library_version_files_sha256_idx', ['sha256'])
export class LibraryVersionFileEntity {
  @PrimaryColumn({ name: 'version_id', type: 'uuid' })
  versionId!: string;

  @ManyToOne(() => LibraryDocumentVersionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'version_id', foreignKeyConstraintName: 'FK_library_version_files_version' })
  version?: LibraryDocumentVersionEntity;

  @PrimaryColumn({ type: 'text' })
  sha256!: string;

  @ManyToOne(() => LibraryBlobEntity)
  @JoinColumn({ name: 'sha256', foreignKeyConstraintName: 'FK_library_version_files_blob' })
  blob?: LibraryBlobEntity;

  @Column({ name: 'file_name', type: 'text' })
  fileName!: string;

  @CreateDateColumn({ name: 'attached_at', type: 'timestamptz' })
  attachedAt!: Date;
}
