import { Readable } from 'node:stream';

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/**
 * One command line of an app's CLI (`run(argv, stdin)`), run in this process with `stdin` as its
 * standard input (not a terminal): its exit code and what it wrote on stdout and stderr.
 */
export async function runInProcess(run: (argv: string[], input: NodeJS.ReadableStream) => Promise<number>, name: string, stdin: string, args: readonly string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => out.push(String(chunk)) > 0);
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => err.push(String(chunk)) > 0);
  try {
    const code = await run(['node', name, ...args], Readable.from([stdin]));
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
