/**
 * `npm run schema:export [path]`: the whole standard (version, codelists with labels,
 * datasets, attribute map, JSON Schemas) as one JSON document, for tools not written in
 * TypeScript. Writes to stdout, or to `path`.
 */
import { writeFileSync } from 'node:fs';
import { exportStandard } from '../export-document';

function main(argv: readonly string[]): void {
  const json = `${JSON.stringify(exportStandard(), null, 2)}\n`;
  const target = argv[0];
  if (target && target !== '-') {
    try {
      writeFileSync(target, json, 'utf8');
    } catch (err) {
      process.stderr.write(`cannot write ${target}: ${(err as NodeJS.ErrnoException).code ?? 'error'}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`wrote standard ${exportStandard().version} to ${target}\n`);
  } else {
    process.stdout.write(json);
  }
}

main(process.argv.slice(2));
