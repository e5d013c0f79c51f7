import { CliResult, runInProcess } from '../../../../test/harness/cli';
import { run } from '../../src/cli/paivand-node';

export type { CliResult };

/** Runs one `paivand-node` command line in-process (environment from process.env); returns its exit code and what it wrote. */
export async function runCli(...args: string[]): Promise<CliResult> {
  return runCliWithInput('', ...args);
}

/** The same, with `stdin` as the command's standard input (not a terminal). */
export function runCliWithInput(stdin: string, ...args: string[]): Promise<CliResult> {
  return runInProcess(run, 'paivand-node', stdin, args);
}
