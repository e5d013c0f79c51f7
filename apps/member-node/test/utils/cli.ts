import { Readable } from 'node:stream';
import { run } from '../../src/cli/paivand-node';

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs one `paivand-node` command line in-process (environment from process.env); returns its exit code and what it wrote. */
export async function runCli(...args: string[]): Promise<CliResult> {
  return runCliWithInput('', ...args);
}

/** The same, with `stdin` as the command's standard input (not a terminal). */
export async function runCliWithInput(stdin: string, ...args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => out.push(String(chunk)) > 0);
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => err.push(String(chunk)) > 0);
  try {
    const code = await run(['node', 'paivand-node', ...args], Readable.from([stdin]));
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
