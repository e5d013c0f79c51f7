import { spawn } from 'node:child_process';
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

/**
 * A CLI script (a .ts file) as a child process of its own, from the sources, as an operator runs it:
 * its exit code and what it wrote on stdout and stderr. `env` is laid over this process's
 * environment; a variable set to undefined is removed.
 */
export function runScript(script: string, env: Record<string, string | undefined>, stdin: string, args: readonly string[]): Promise<CliResult> {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) merged[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', script, ...args], { env: merged, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
    child.stdin.end(stdin);
  });
}
