import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Client codes are case-insensitive: the register stores them in capitals (an incident's
 * fingerprint always compared them so, while clients, lookups and the import's joins were
 * exact, so `qa-0001` beside `QA-0001` was a second client whose incidents counted as the
 * first one's duplicates). Existing codes are put in capitals; a register holding two
 * clients whose codes differ only in case is refused with a clear message (an operator
 * merges or renames them first). Data only: the schema is unchanged.
 */
export class ClientCodesUpper1764400000000 implements MigrationInterface {
  name = 'ClientCodesUpper1764400000000';

  async up(q: QueryRunner): Promise<void> {
    const clashes = (await q.query(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM clients GROUP BY centre_id, upper(client_code) HAVING count(*) > 1) d`,
    )) as { n: number }[];
    if (clashes[0].n > 0) {
      throw new Error(`${clashes[0].n} client code(s) are held by two clients that differ only in letter case: rename or merge them, then migrate again`);
    }
    await q.query(`UPDATE clients SET client_code = upper(client_code) WHERE client_code <> upper(client_code)`);
    await q.query(`UPDATE import_staged_rows SET client_code = upper(client_code) WHERE client_code <> upper(client_code)`);
  }

  async down(): Promise<void> {
    // The codes' former case is not kept: nothing to undo.
  }
}
