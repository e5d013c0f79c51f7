import 'reflect-metadata';
import { isUUID } from 'class-validator';
import { Command, CommanderError } from 'commander';
import { userInfo } from 'node:os';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { createNodeApp } from '../app.factory';
import { NodeError } from '../common/errors/node.error';
import { ConfigError, loadNodeConfig } from '../config/node-config';
import { accountFromInput, CLI_EXIT, CliExit as Exit, commandDatabase, hashSecret, ignoreClosedOutput, lastResortExit, printResult, reportExit } from '@paivand/nest-common';
import { KeyRing } from '../crypto/key-ring';
import { rotateKeys, RotationIncompleteError } from '../crypto/rotate-keys';
import { HubUnavailableError } from '../federation/hub-client';
import { MAX_OUTBOX_PAGE, OutboxPusher } from '../outbox/outbox.pusher';
import { ReleaseScheduler } from '../releases/release.scheduler';
import { ReleaseEntity } from '../releases/release.entity';
import { toLedgerModel, toOutboxModel, toPreviewModel } from '../releases/release.mapper';
import { PrepareProgress, ReleasesService } from '../releases/releases.service';
import { StandardSyncService } from '../standard-sync/standard-sync.service';
import { CreateStaffInput } from '../staff/dto/staff.inputs';
import { StaffService } from '../staff/staff.service';

/** Exit codes scripts can trust (README, apps/member-node/README.md): the shared ones and 4, the hub unreachable. */
export const EXIT = { ...CLI_EXIT, HUB_UNREACHABLE: 4 } as const;

type Services = { releases: ReleasesService; scheduler: ReleaseScheduler; pusher: OutboxPusher; standards: StandardSyncService; staff: StaffService; ring: KeyRing; db: DataSource };

/** `defaults`: variables a command does not use, given when the environment lacks them (rotate-keys needs no JWT secret). */
async function withNode<T>(fn: (s: Services) => Promise<T>, defaults: Record<string, string> = {}): Promise<T> {
  // No scheduled jobs, no HTTP listener. Beside a running server on one DATABASE_URL; an embedded
  // Postgres data directory is one server's alone (stop the node first, or use DATABASE_URL).
  const config = loadNodeConfig({ ...defaults, ...process.env, FEDERATION_JOBS: 'false', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const db = await commandDatabase(config.DATABASE_URL, config.EMBEDDED_PG_DIR ?? '.data/node-pg', 'paivand_node');
  let app: Awaited<ReturnType<typeof createNodeApp>>;
  try {
    // its logs on standard error: standard output carries only the command's result (--json is parsed by scripts)
    app = await createNodeApp(config, db.url, { databaseRetries: 0, quietBoot: true, logDestination: pino.destination(2) });
  } catch (err) {
    await db.stop();
    throw err;
  }
  try {
    return await fn({
      releases: app.get(ReleasesService),
      scheduler: app.get(ReleaseScheduler),
      pusher: app.get(OutboxPusher),
      standards: app.get(StandardSyncService),
      staff: app.get(StaffService),
      ring: app.get(KeyRing),
      db: app.get(DataSource),
    });
  } finally {
    await app.close();
    await db.stop();
  }
}

/**
 * The suppression's progress on stderr: one line rewritten in place on a terminal; in a log
 * (not a terminal) a line at most every five seconds, and the last one of each system.
 */
function progressPrinter(): { show: (p: PrepareProgress) => void; end: () => void } {
  const tty = process.stderr.isTTY;
  let last = 0;
  let open = false;
  const end = (): void => {
    if (open) process.stderr.write('\n');
    open = false;
  };
  const show = (p: PrepareProgress): void => {
    const line = `${p.period} ${p.unit}: ${p.passed ? 'audit passed' : `suppression round ${p.round + 1}`}, ${p.hidden.toLocaleString('en')} of ${p.cells.toLocaleString('en')} cells hidden${
      p.passed ? '' : `, ${p.failing} still too narrow`
    }`;
    if (tty) {
      process.stderr.write(`\r\x1b[K${line}`);
      open = true;
      if (p.passed) end();
    } else if (p.passed || Date.now() - last >= 5000) {
      last = Date.now();
      process.stderr.write(`${line}\n`);
    }
  };
  return { show, end };
}

const operator = (): string => `cli:${userInfo().username}`;
/** Release ids are UUIDs: anything else is a usage error before the node starts. */
function checkReleaseIds(ids: readonly string[]): void {
  const bad = ids.filter((id) => !isUUID(id));
  if (bad.length > 0) throw new Exit(EXIT.USAGE, `not a release id (a UUID): ${bad.map((b) => b.slice(0, 40)).join(', ')}`);
}
const print = printResult;

export function buildProgram(input: NodeJS.ReadableStream = process.stdin): Command {
  const program = new Command('paivand-node')
    .description('Operator commands of a Paivand member node: releases, outbox, ledger (reads the node environment, see apps/member-node/README.md)')
    .option('--json', 'machine-readable output')
    .exitOverride();

  program
    .command('prepare')
    .description('prepare releases of one closed period, or of every due period (as the scheduled job does)')
    .option('-p, --period <period>', 'SDMX period, e.g. 2026-07 or 2026-Q3')
    .action(async (o: { period?: string }) => {
      const json = Boolean(program.opts().json);
      const progress = progressPrinter();
      const results = await withNode(async (s) =>
        o.period
          ? [await s.releases.prepare(o.period, new Date(), progress.show)]
          : s.scheduler.runDue(
              new Date(),
              (r, i, n) => {
                progress.end();
                process.stderr.write(`[${i}/${n}] ${r.period}: ${r.status}${r.errorCode ? ` (${r.errorCode})` : ''}\n`);
              },
              progress.show,
            ),
      ).finally(progress.end);
      print(json, results, () => results.map((r) => `${r.period} ${r.status}${r.errorCode ? ` ${r.errorCode}` : ''}${r.releases.map((x) => `\n  ${x.id} ${x.datasetId} rev ${x.revision} ${x.status}`).join('')}`).join('\n') || 'no closed period with data');
      const failed = results.filter((r) => r.status === 'failed');
      if (failed.length > 0) {
        const message = `${failed.length} period(s) failed (${[...new Set(failed.map((r) => r.errorCode))].join(', ')}): the node log says why; the other periods were prepared`;
        // an error of the node or its database is no refusal: a script must not read it as "nothing to do"
        const code = failed.some((r) => r.errorCode === 'DATABASE_UNREACHABLE') ? EXIT.DATABASE_UNREACHABLE : failed.some((r) => r.errorCode === 'INTERNAL') ? EXIT.ERROR : EXIT.NOTHING;
        throw new Exit(code, message);
      }
      // a mixed run (suppression tables prepared, a differential-privacy table blocked) carries an errorCode
      if (results.some((r) => r.status === 'blocked' || r.releases.some((x) => x.status === 'blocked'))) {
        throw new Exit(EXIT.NOTHING, 'the anonymizer refused at least one release');
      }
      if (!results.some((r) => r.status === 'prepared')) throw new Exit(EXIT.NOTHING, 'nothing to prepare');
    });

  program
    .command('preview <releaseId>')
    .description('every cell that will leave the centre, with labels and status codes, and the protection report')
    .option('--payload', 'print the exact payload bytes only')
    .option('--lang <lang>', 'labels in tg, ru or en (--json gives all three)', 'en')
    .action(async (id: string, o: { payload?: boolean; lang: string }) => {
      const json = Boolean(program.opts().json);
      checkReleaseIds([id]);
      if (o.lang !== 'tg' && o.lang !== 'ru' && o.lang !== 'en') throw new Exit(EXIT.USAGE, '--lang must be tg, ru or en');
      const lang = o.lang;
      await withNode(async (s) => {
        const r = await s.releases.get(id);
        if (o.payload) {
          // a blocked release has no payload: nothing would leave the centre (an empty line read as the bytes to sign)
          if (r.payload === null) throw new Exit(EXIT.NOTHING, `release ${id} has no payload: it is ${r.status}${r.errorCode ? ` (${r.errorCode})` : ''}`);
          return void process.stdout.write(`${r.payload}\n`);
        }
        const p = toPreviewModel(r, await s.standards.current(), null);
        print(json, p, () => {
          const head = `${r.datasetId} ${r.period} rev ${r.revision} [${r.status}] hash ${r.contentHash ?? '-'}`;
          const rep = p.report ? `k=${p.report.k} published ${p.report.cellsPublished}/${p.report.cellsTotal}, primary ${p.report.cellsPrimary}, secondary ${p.report.cellsSecondary}, audit ${p.report.auditPassed ? 'passed' : 'FAILED'}` : (r.errorCode ?? '');
          const cells = p.cells.map((c) => `  ${c.labels.map((l) => l[lang]).join(' / ')}: ${c.value ?? '·'} ${c.obsStatus}/${c.confStatus}`);
          return [head, rep, ...cells].join('\n');
        });
      });
    });

  for (const [name, describe] of [['approve', 'sign the release and queue it for the hub'], ['hold', 'keep the release from leaving the centre']] as const) {
    program
      .command(`${name} <releaseIds...>`)
      .description(describe)
      .option('-r, --reason <text>', 'why (hold)')
      .action(async (ids: string[], o: { reason?: string }) => {
        const json = Boolean(program.opts().json);
        checkReleaseIds(ids);
        // Each release is decided on its own (one transaction each): a refusal of one is reported
        // beside the others' results, never hiding what was already done.
        const out = await withNode(async (s) => {
          const done: ({ id: string; release: ReleaseEntity } | { id: string; error: NodeError })[] = [];
          for (const id of ids) {
            try {
              done.push({ id, release: name === 'approve' ? await s.releases.approve(id, operator()) : await s.releases.hold(id, operator(), o.reason ?? null) });
            } catch (err) {
              // a refusal of this release (unknown, not awaiting a decision); anything else (no signing key) stops the command
              if (!(err instanceof NodeError) || (err.code !== 'NOT_FOUND' && err.details?.reason !== 'RELEASE_NOT_PENDING')) throw err;
              done.push({ id, error: err });
            }
          }
          return done;
        });
        const failed = out.flatMap((r) => ('error' in r ? [r.error] : []));
        print(
          json,
          out.map((r) => ('error' in r ? { id: r.id, error: { code: r.error.code, reason: r.error.details?.reason ?? null, message: r.error.message } } : r.release)),
          () =>
            out
              .map((r) =>
                'error' in r
                  ? `${r.id}: not ${name === 'approve' ? 'approved' : 'held'}: ${r.error.details?.reason ?? r.error.code}: ${r.error.message}`
                  : `${r.id} ${r.release.datasetId} ${r.release.period} rev ${r.release.revision}: ${r.release.status}${r.release.errorCode ? ` (${r.release.errorCode})` : ''}`,
              )
              .join('\n'),
        );
        if (failed.some((e) => e.code === 'NOT_FOUND')) throw new Exit(EXIT.USAGE, 'no such release');
        if (failed.length > 0) throw new Exit(EXIT.NOTHING, `${failed.length} of ${ids.length} release(s) not ${name === 'approve' ? 'approved' : 'held'}`);
        const after = out.flatMap((r) => ('release' in r ? [r.release] : []));
        const blocked = after.filter((r) => r.status === 'blocked');
        // a differential-privacy table whose budget this release would overspend is declined as `blocked`, not by an error
        if (blocked.length > 0) throw new Exit(EXIT.NOTHING, `${blocked.length} release(s) blocked, not approved: ${[...new Set(blocked.map((r) => r.errorCode ?? 'BLOCKED'))].join(', ')}`);
        const stale = after.filter((r) => r.status === 'stale');
        if (stale.length > 0) {
          const why = [...new Set(stale.map((r) => r.errorCode ?? 'STALE'))].join(', ');
          throw new Exit(EXIT.NOTHING, `${stale.length} release(s) stale, not approved (${why}): prepare again`);
        }
      });
  }

  program
    .command('push')
    .description('push due outbox rows to the hub now')
    .action(async () => {
      const json = Boolean(program.opts().json);
      const stats = await withNode(async (s) => s.pusher.pushDue());
      print(
        json,
        stats,
        () =>
          `delivered ${stats.delivered}, refused ${stats.refused}, failed ${stats.failed}, hub unreachable ${stats.unreachable}, pending ${stats.pending}` +
          (stats.errors > 0 ? `\n${stats.errors} row(s) not sent because of an error on the node` : ''),
      );
      if (stats.unreachable > 0) throw new Exit(EXIT.HUB_UNREACHABLE, 'the hub is unreachable; rows wait for their backoff');
      if (stats.failed > 0) {
        throw new Exit(EXIT.NOTHING, "the hub turned away at least one release before reading it (the node's credentials, or a body it could not read): `outbox` shows why; fix the cause, then `retry <releaseIds>` and `push`");
      }
      if (stats.refused > 0) throw new Exit(EXIT.NOTHING, 'the hub refused at least one release: `outbox` shows its import summary');
      if (stats.errors > 0) throw new Exit(EXIT.NOTHING, 'at least one row was not sent because of an error on the node: `outbox` shows it (it waits for its backoff, or is failed when its release is no longer approved)');
      if (stats.delivered === 0) throw new Exit(EXIT.NOTHING, 'nothing was due');
    });

  program
    .command('retry <releaseIds...>')
    .description('put failed or refused pushes back in the queue once the cause is fixed (then: push)')
    .action(async (ids: string[]) => {
      const json = Boolean(program.opts().json);
      checkReleaseIds(ids);
      const out = await withNode((s) => s.pusher.requeue(ids, operator()));
      print(json, out, () => out.map((r) => `${r.releaseId}: ${r.outcome}`).join('\n'));
      if (out.some((r) => r.outcome === 'no_such_release')) throw new Exit(EXIT.USAGE, 'no such release');
      if (out.some((r) => r.outcome === 'member_changed')) throw new Exit(EXIT.NOTHING, 'a release names another member than MEMBER_ID: `prepare` its period again, then approve and push the new release');
      if (out.some((r) => r.outcome === 'stale' || r.outcome === 'blocked')) {
        throw new Exit(EXIT.NOTHING, 'a refused release can no longer be sent (an overlapping release was approved meanwhile, or its privacy budget is spent): `prepare` its period again');
      }
      if (out.some((r) => r.outcome === 'busy')) throw new Exit(EXIT.NOTHING, 'the period of a release is being prepared (by the job or another operator): retry once it is done');
      if (out.some((r) => r.outcome === 'superseded')) throw new Exit(EXIT.NOTHING, 'a release was replaced or went stale since it was pushed: approve and push the release that replaced it');
      if (!out.some((r) => r.outcome === 'requeued')) throw new Exit(EXIT.NOTHING, 'no failed or refused push among these releases');
    });

  program
    .command('outbox')
    .description('pushes and their import summaries')
    .option('-n, --first <n>', `how many, newest first (1 to ${MAX_OUTBOX_PAGE})`, '50')
    .action(async (o: { first: string }) => {
      const json = Boolean(program.opts().json);
      const first = Number(o.first);
      if (!/^\d+$/.test(o.first) || first < 1 || first > MAX_OUTBOX_PAGE) throw new Exit(EXIT.USAGE, `--first must be a whole number from 1 to ${MAX_OUTBOX_PAGE}`);
      const rows = (await withNode((s) => s.pusher.list(first))).map(toOutboxModel);
      print(json, rows, () => rows.map((r) => `${r.releaseId} ${r.datasetId} ${r.period} rev ${r.revision}: ${r.status} (${r.attempts} attempt${r.attempts === 1 ? '' : 's'})${r.summary ? ` hub ${r.summary.status}${r.status === 'refused' ? `: ${r.summary.description}` : ''}` : ''}${r.lastError ? ` last error: ${r.lastError}` : ''}`).join('\n') || 'outbox empty');
    });

  program
    .command('ledger')
    .description('every release this node approved or pushed')
    .action(async () => {
      const json = Boolean(program.opts().json);
      const rows = (await withNode((s) => s.releases.ledger())).map(toLedgerModel);
      print(json, rows, () => rows.map((r) => `${r.datasetId} ${r.period} rev ${r.revision} ${r.status} published ${r.cellsPublished} suppressed ${r.cellsSuppressed} ${r.contentHash.slice(0, 12)}`).join('\n') || 'ledger empty');
    });

  program
    .command('create-admin <username>')
    .description("create a centre_admin account: a new node's first, or a new one when the last has left (the password is read from stdin)")
    .requiredOption('--name <displayName>', 'the name colleagues know the admin by')
    .action(async (username: string, o: { name: string }) => {
      const json = Boolean(program.opts().json);
      const account = await accountFromInput(input, CreateStaffInput, { username, displayName: o.name, role: 'centre_admin' }, username);
      const created = await withNode(async (s) => {
        const passwordHash = await hashSecret(account.password);
        // No signed-in actor: the access log records the account's creation without one.
        return s.db.transaction((tx) => s.staff.insert(tx, null, { username: account.username, displayName: account.displayName, role: 'centre_admin', passwordHash }));
      });
      print(json, { id: created.id, username: created.username, role: created.role }, () => `created ${created.role} ${created.username} (${created.id})`);
    });

  program
    .command('rotate-keys')
    .description('re-encrypt every identifiable value (the register, staged import rows) under the first key of NODE_ENCRYPTION_KEYS')
    .option('--batch-size <n>', 'rows per transaction (1 to 10000)', '500')
    .option('--lock-timeout <ms>', 'how long to wait for a row a running node holds (100 to 600000)', '60000')
    .addHelpText(
      'after',
      [
        '',
        'Procedure: put the new key first in NODE_ENCRYPTION_KEYS and keep the old ones after it',
        '(k2:<new>,k1:<old>); restart the node with that ring, so that it writes under the new key;',
        'run rotate-keys (re-runnable: a second run continues where one stopped); drop the old keys',
        'only after it exits 0. The node refuses to start with a ring that lacks a key still in use.',
        'Exit codes: 0 done (also when nothing was left), 2 usage, 3 rows still under an old key (held',
        'by another session, or written by a process whose first key is still the old one: run again),',
        '5 a key still in use is not in the ring, 6 the database does not answer, 1 an unexpected error.',
      ].join('\n'),
    )
    .action(async (o: { batchSize: string; lockTimeout: string }) => {
      const json = Boolean(program.opts().json);
      const batchSize = Number(o.batchSize);
      const lockTimeoutMs = Number(o.lockTimeout);
      if (!/^\d+$/.test(o.batchSize) || batchSize < 1 || batchSize > 10_000) throw new Exit(EXIT.USAGE, '--batch-size must be a whole number from 1 to 10000');
      if (!/^\d+$/.test(o.lockTimeout) || lockTimeoutMs < 100 || lockTimeoutMs > 600_000) throw new Exit(EXIT.USAGE, '--lock-timeout must be a whole number of milliseconds from 100 to 600000');
      let last = 0;
      // Counts and table names only, never a value; a line per table, and at most one every five seconds within one.
      const onProgress = (table: string, rows: number, done: boolean): void => {
        if (!done && Date.now() - last < 5000) return;
        last = Date.now();
        process.stderr.write(`${table}: ${rows.toLocaleString('en')} row${rows === 1 ? '' : 's'} re-encrypted${done ? '' : ' so far'}\n`);
      };
      const report = await withNode(
        async (s) => {
          try {
            return { keyId: s.ring.currentId, ...(await rotateKeys(s.db, s.ring, { batchSize, lockTimeoutMs, onProgress })) };
          } catch (err) {
            if (err instanceof RotationIncompleteError) throw new Exit(EXIT.NOTHING, err.message);
            throw err;
          }
        },
        { CENTRE_ID: 'rotate-keys', JWT_SECRET: 'x'.repeat(32) },
      );
      print(json, report, () => `every identifiable value is under key ${report.keyId}: ${Object.entries(report.rows).map(([t, n]) => `${t} ${n}`).join(', ')} re-encrypted; the older keys can leave NODE_ENCRYPTION_KEYS`);
    });

  program
    .command('sync-standard')
    .description('pull the current standard from the hub')
    .action(async () => {
      const r = await withNode((s) => s.standards.sync());
      print(Boolean(program.opts().json), r, () => `standard ${r.version}: ${r.status}`);
      if (r.status === 'unreachable') throw new Exit(EXIT.HUB_UNREACHABLE, 'the hub is unreachable');
      if (r.status === 'offline') throw new Exit(EXIT.CONFIG, 'HUB_URL, HUB_CLIENT_ID and HUB_CLIENT_SECRET are not configured');
      if (r.status === 'refused') throw new Exit(EXIT.NOTHING, `the hub's standard is not one this node takes (${r.problems.join(', ')}); it keeps ${r.version}`);
    });
  return program;
}

export async function run(argv: string[], input: NodeJS.ReadableStream = process.stdin): Promise<number> {
  try {
    await buildProgram(input).parseAsync(argv);
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    if (err instanceof Exit) return reportExit(err);
    if (err instanceof ConfigError) return reportExit(new Exit(EXIT.CONFIG, err.message));
    if (err instanceof HubUnavailableError) {
      process.stderr.write(`${err.message}\n`);
      // Not retryable here: the hub is not configured (a hub's answer to a push is an outcome, not an error).
      return err.retryable ? EXIT.HUB_UNREACHABLE : EXIT.CONFIG;
    }
    if (err instanceof NodeError) {
      process.stderr.write(`${err.code}${err.details?.reason ? ` ${err.details.reason}` : ''}: ${err.message}\n`);
      if (err.details?.reason === 'SIGNING_KEY_MISSING') return EXIT.CONFIG;
      return err.code === 'BAD_USER_INPUT' || err.code === 'NOT_FOUND' ? EXIT.USAGE : EXIT.NOTHING;
    }
    return reportExit(lastResortExit(err, 'register tables: run the migrations first (`npm run node:migrate`; in the image, the entrypoint or `node dist/apps/member-node/apps/member-node/src/cli/migrate.js`)'));
  }
}

if (require.main === module) {
  ignoreClosedOutput();
  void run(process.argv).then((code) => process.exit(code));
}
