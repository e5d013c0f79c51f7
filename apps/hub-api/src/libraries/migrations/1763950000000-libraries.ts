import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The research and best-practice libraries: documents, their versions (moderated),
 * content-addressed files, and the full-text search vector.
 */
export class Libraries1763950000000 implements MigrationInterface {
  name = 'Libraries1763950000000';

  async up(q: QueryRunner): Promise<void> {
    // Tajik has no Postgres text-search configuration: fold the six Tajik letters to their
    // Russian look-alikes (how many people type Tajik without a Tajik keyboard), then 'simple'.
    await q.query(`CREATE FUNCTION library_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT translate(lower(coalesce(t, '')), 'ҳҷқғӣӯҲҶҚҒӢӮ', 'хчкгиухчкгиу')
    $$`);
    // One weighted vector over every language: titles A, summaries B, file text C, tags and authors D.
    await q.query(`CREATE FUNCTION library_search_vector(
        title_tg text, title_ru text, title_en text,
        summary_tg text, summary_ru text, summary_en text,
        body text, body_language text, extra text
      ) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT
        setweight(to_tsvector('simple', library_fold(concat_ws(' ', title_tg, title_ru, title_en))), 'A') ||
        setweight(to_tsvector('russian', coalesce(title_ru, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(title_en, '')), 'A') ||
        setweight(to_tsvector('simple', library_fold(concat_ws(' ', summary_tg, summary_ru, summary_en))), 'B') ||
        setweight(to_tsvector('russian', coalesce(summary_ru, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(summary_en, '')), 'B') ||
        setweight(to_tsvector('simple', library_fold(body)), 'C') ||
        setweight(CASE body_language
          WHEN 'ru' THEN to_tsvector('russian', coalesce(body, ''))
          WHEN 'en' THEN to_tsvector('english', coalesce(body, ''))
          ELSE ''::tsvector END, 'C') ||
        setweight(to_tsvector('simple', library_fold(extra)), 'D')
    $$`);
    // The query side of the same folding: any of the three languages may match.
    await q.query(`CREATE FUNCTION library_search_query(q text) RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT websearch_to_tsquery('simple', library_fold(q)) ||
             websearch_to_tsquery('russian', q) ||
             websearch_to_tsquery('english', q)
    $$`);

    await q.query(`CREATE TABLE "library_documents" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "owner_account_id" uuid NOT NULL,
      "owner_member_id" uuid,
      "latest_version_id" uuid,
      "published_version_id" uuid,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_library_documents" PRIMARY KEY ("id")
    )`);
    await q.query(`CREATE TABLE "library_document_versions" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "document_id" uuid NOT NULL,
      "version" integer NOT NULL,
      "status" text NOT NULL,
      "kind" text NOT NULL,
      "access_level" text NOT NULL,
      "title_tg" text,
      "title_ru" text,
      "title_en" text,
      "summary_tg" text,
      "summary_ru" text,
      "summary_en" text,
      "authors" text array NOT NULL DEFAULT '{}',
      "organisation_member_id" uuid,
      "organisation_name" text,
      "year" integer NOT NULL,
      "language" text NOT NULL,
      "tags" text array NOT NULL DEFAULT '{}',
      "themes" text array NOT NULL DEFAULT '{}',
      "dataset_ids" text array NOT NULL DEFAULT '{}',
      "body_text" text NOT NULL DEFAULT '',
      "search_vector" tsvector NOT NULL DEFAULT ''::tsvector,
      "review_note" text,
      "created_by" uuid NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "submitted_at" TIMESTAMP WITH TIME ZONE,
      "reviewed_at" TIMESTAMP WITH TIME ZONE,
      "published_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_library_document_versions" PRIMARY KEY ("id"),
      CONSTRAINT "library_versions_status_check" CHECK (status IN ('draft','submitted','changes_requested','published','rejected','withdrawn','superseded')),
      CONSTRAINT "library_versions_access_check" CHECK (access_level IN ('public','members_and_researchers','members_only')),
      CONSTRAINT "library_versions_title_check" CHECK (coalesce(title_tg, title_ru, title_en) IS NOT NULL),
      CONSTRAINT "library_versions_organisation_check" CHECK ((organisation_member_id IS NULL) <> (organisation_name IS NULL)),
      CONSTRAINT "FK_library_versions_document" FOREIGN KEY ("document_id") REFERENCES "library_documents"("id") ON DELETE CASCADE
    )`);
    await q.query(`CREATE UNIQUE INDEX "library_versions_document_version_key" ON "library_document_versions" ("document_id", "version")`);
    await q.query(`CREATE INDEX "library_versions_status_idx" ON "library_document_versions" ("status", "published_at")`);
    // At most one published version per document; search reads only those.
    await q.query(`CREATE UNIQUE INDEX "library_versions_one_published" ON "library_document_versions" ("document_id") WHERE status = 'published'`);
    await q.query(`CREATE INDEX "library_versions_search_idx" ON "library_document_versions" USING gin ("search_vector") WHERE status = 'published'`);
    await q.query(`CREATE INDEX "library_versions_themes_idx" ON "library_document_versions" USING gin ("themes")`);
    await q.query(`ALTER TABLE "library_documents" ADD CONSTRAINT "FK_library_documents_latest" FOREIGN KEY ("latest_version_id") REFERENCES "library_document_versions"("id") DEFERRABLE INITIALLY DEFERRED`);
    await q.query(`ALTER TABLE "library_documents" ADD CONSTRAINT "FK_library_documents_published" FOREIGN KEY ("published_version_id") REFERENCES "library_document_versions"("id") DEFERRABLE INITIALLY DEFERRED`);

    // Content-addressed file store: the same bytes are stored once, whoever uploads them.
    await q.query(`CREATE TABLE "library_blobs" (
      "sha256" text NOT NULL,
      "content_type" text NOT NULL,
      "size_bytes" integer NOT NULL,
      "content" bytea NOT NULL,
      "extracted_text" text,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_library_blobs" PRIMARY KEY ("sha256"),
      CONSTRAINT "library_blobs_sha256_check" CHECK (sha256 ~ '^[0-9a-f]{64}$')
    )`);
    await q.query(`CREATE TABLE "library_version_files" (
      "version_id" uuid NOT NULL,
      "sha256" text NOT NULL,
      "file_name" text NOT NULL,
      "attached_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_library_version_files" PRIMARY KEY ("version_id", "sha256"),
      CONSTRAINT "FK_library_version_files_version" FOREIGN KEY ("version_id") REFERENCES "library_document_versions"("id") ON DELETE CASCADE,
      CONSTRAINT "FK_library_version_files_blob" FOREIGN KEY ("sha256") REFERENCES "library_blobs"("sha256")
    )`);
    await q.query(`CREATE INDEX "library_version_files_sha256_idx" ON "library_version_files" ("sha256")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "library_version_files"`);
    await q.query(`DROP TABLE "library_blobs"`);
    await q.query(`ALTER TABLE "library_documents" DROP CONSTRAINT "FK_library_documents_published"`);
    await q.query(`ALTER TABLE "library_documents" DROP CONSTRAINT "FK_library_documents_latest"`);
    await q.query(`DROP TABLE "library_document_versions"`);
    await q.query(`DROP TABLE "library_documents"`);
    await q.query(`DROP FUNCTION library_search_query(text)`);
    await q.query(`DROP FUNCTION library_search_vector(text, text, text, text, text, text, text, text, text)`);
    await q.query(`DROP FUNCTION library_fold(text)`);
  }
}
