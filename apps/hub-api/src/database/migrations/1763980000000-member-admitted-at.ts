import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a member was admitted (decided_at moves with every suspension and reinstatement), so that
 * completeness does not count a member as missing for periods due before it joined. Filled for
 * members already admitted from the audit log's admission, else from their last decision.
 */
export class MemberAdmittedAt1763980000000 implements MigrationInterface {
  name = 'MemberAdmittedAt1763980000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "members" ADD "admitted_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(
      `UPDATE "members" m
          SET "admitted_at" = coalesce((SELECT min(a."at") FROM "audit_log" a WHERE a."action" = 'member.admit' AND a."object_id" = m."id"::text), m."decided_at")
        WHERE m."status" IN ('admitted', 'suspended')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "members" DROP COLUMN "admitted_at"`);
  }
}
