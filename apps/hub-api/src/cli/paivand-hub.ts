import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { accountFromInput, ApiError, CLI_EXIT as EXIT, CliExit as Exit, commandDatabase, hashSecret, ignoreClosedOutput, lastResortExit, printResult, reportExit } from '@paivand/nest-common';
import { AccountsService } from '../accounts/accounts.service';
import { CreateAccountInput } from '../accounts/dto/create-account.input';
import pino from 'pino';
import { createHubApp } from '../app.factory';
import { ConfigError, loadHubConfig } from '../config/hub-config';
import { SubmissionsService } from '../submissions/submissions.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Operator commands of the hub (`npm run hub:cli -- <command>`, or in the image
 * `node dist/apps/hub-api/apps/hub-api/src/cli/paivand-hub.js <command>`), for what the GraphQL
 * API cannot do for itself: the first Association coordinator of a new hub (everything after
 * that, admitting members and creating accounts, is the coordinator's, in the API).
 * Exit codes: 0 ok, 1 unexpected error, 2 usage, 3 refused (the account exists; a submission that does not verify), 5 bad
 * environment or database not migrated, 6 the database does not answer.
 */
async function withHub<T>(fn: (s: { accounts: AccountsService; submissions: SubmissionsService; db: DataSource }) => Promise<T>): Promise<T> {
  // The command signs no token: a JWT secret is not needed to run it.
  const config = loadHubConfig({ JWT_SECRET: 'x'.repeat(32), ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const db = await commandDatabase(config.DATABASE_URL, config.EMBEDDED_PG_DIR ?? '.data/hub-pg', 'paivand_hub');
  try {
    // The database first, by itself: the app would retry a database that does not answer for half a minute.
    const probe = new Client({ connectionString: db.url });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.query('SELECT 1 FROM accounts LIMIT 0');
    } finally {
      await probe.end().catch(() => undefined);
    }
    // its logs on standard error: standard output carries only the command's result (--json is parsed by scripts)
    const app = await createHubApp(config, db.url, { logDestination: pino.destination(2) });
    try {
      return await fn({ accounts: app.get(AccountsService), submissions: app.get(SubmissionsService), db: app.get(DataSource) });
    } finally {
      await app.close();
    }
  } finally {
    await db.stop();
  }
}

export function buildProgram(input: NodeJS.ReadableStream = process.stdin): Command {
  const program = new Command('paivand-hub').description('Operator commands of the Paivand hub (reads the hub environment: DATABASE_URL)').option('--json', 'machine-readable output').exitOverride();

  program
    .command('create-admin <email>')
    .description("create an Association coordinator (association_admin): a new hub's first, or a new one when the last has left (the password is read from stdin)")
    .requiredOption('--name <displayName>', 'the name members know the coordinator by')
    .action(async (email: string, o: { name: string }) => {
      const json = Boolean(program.opts().json);
      const account = await accountFromInput(input, CreateAccountInput, { email, displayName: o.name, role: 'association_admin' }, email);
      const created = await withHub(async (s) => {
        const passwordHash = await hashSecret(account.password);
        // No signed-in actor: the audit log records the account's creation without one.
        return s.db.transaction((tx) => s.accounts.insert(tx, null, { email: account.email, displayName: account.displayName, role: 'association_admin', passwordHash }));
      });
      printResult(json, { id: created.id, email: created.email, role: created.role }, () => `created ${created.role} ${created.email} (${created.id})`);
    });
  program
    .command('verify-submission <id>')
    .description("check a stored submission again from the hub's rows: its content hash and its signature under the key it names (exit 0 valid, 3 not)")
    .action(async (id: string) => {
      const json = Boolean(program.opts().json);
      if (!UUID.test(id)) throw new Exit(EXIT.USAGE, 'the submission id is a UUID (submissionId of the import summary)');
      const result = await withHub((s) => s.submissions.verifyStored(id));
      printResult(json, result, () =>
        result.valid
          ? `valid: submission ${result.submissionId} was signed by member ${result.memberId} with key ${result.keyId}${result.keyActive ? '' : ' (revoked since)'}`
          : `NOT VALID: submission ${result.submissionId}: content hash ${result.contentHashHolds ? 'holds' : 'does not hold'}, signature ${result.signatureHolds ? 'holds' : 'does not hold'}`,
      );
      if (!result.valid) throw new Exit(EXIT.NOTHING, `submission ${result.submissionId} does not verify`);
    });
  return program;
}

export async function run(argv: string[], input: NodeJS.ReadableStream = process.stdin): Promise<number> {
  try {
    await buildProgram(input).parseAsync(argv);
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    const exit =
      err instanceof Exit
        ? err
        : err instanceof ConfigError
          ? new Exit(EXIT.CONFIG, err.message)
          : err instanceof ApiError
            ? new Exit(err.code === 'BAD_USER_INPUT' ? EXIT.USAGE : EXIT.NOTHING, `${err.code}${err.details?.reason ? ` ${String(err.details.reason)}` : ''}: ${err.message}`)
            : lastResortExit(err, 'hub tables: run `npm run hub:migrate` (under Compose, the hub-migrate service) first');
    return reportExit(exit);
  }
}

if (require.main === module) {
  ignoreClosedOutput();
  void run(process.argv).then((code) => process.exit(code));
}
