import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { LibraryFileType } from '../library-codes';

/** File bytes keyed by their SHA-256: the same file uploaded twice is stored once. */
@Entity({ name: 'library_blobs' })
@Check('library_blobs_sha256_check', `sha256 ~ '^[0-9a-f]{64}$'`)
export class LibraryBlobEntity {
  @PrimaryColumn({ type: 'text' })
  sha256!: string;

  /** Detected from the bytes, never taken from the client. */
  @Column({ name: 'content_type', type: 'text' })
  contentType!: LibraryFileType;

  @Column({ name: 'size_bytes', type: 'integer' })
  sizeBytes!: number;

  @Column({ type: 'bytea', select: false })
  content!: Buffer;

  @Column({ name: 'extracted_text', type: 'text', nullable: true })
  extractedText!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
