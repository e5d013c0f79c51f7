import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The true counts of the cells a suppression release hides (`ProtectedRelease.withheld`), kept
 * beside the release on the node only: a revision of it then knows how many entries were added
 * to each cell both hide, and protects that number only where it is 1 to k-1. Never pushed,
 * never in a preview. Releases prepared before this column have none: their revisions audit the
 * added entries of every hidden cell (suppress.ts), which hides more.
 */
export class ReleaseWithheld1764900000000 implements MigrationInterface {
  name = 'ReleaseWithheld1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "releases" ADD "withheld" jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "releases" DROP COLUMN "withheld"`);
  }
}
