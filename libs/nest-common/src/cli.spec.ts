import { EventEmitter } from 'node:events';
import { CLI_EXIT, databaseExit, ignoreClosedOutput } from './cli';

const failure = (code: string): Error => Object.assign(new Error(`connect ${code} postgres://user:secret@db/x`), { code });

describe('operator command lines', () => {
  it('tell a database failure by its SQLSTATE, never by the driver message (which can quote the URL)', () => {
    expect(databaseExit(failure('ECONNREFUSED'), 'hub tables')).toMatchObject({ code: CLI_EXIT.DATABASE_UNREACHABLE });
    expect(databaseExit(failure('57P03'), 'hub tables')?.code).toBe(CLI_EXIT.DATABASE_UNREACHABLE);
    expect(databaseExit(failure('28P01'), 'hub tables')?.code).toBe(CLI_EXIT.CONFIG);
    expect(databaseExit(failure('3D000'), 'hub tables')?.code).toBe(CLI_EXIT.CONFIG);
    expect(databaseExit(failure('42P01'), 'hub tables: run `npm run hub:migrate` first')?.message).toBe('the database has no hub tables: run `npm run hub:migrate` first');
    for (const code of ['ECONNREFUSED', '28P01', '3D000', '42P01']) expect(databaseExit(failure(code), 'x')?.message).not.toContain('secret');
    expect(databaseExit(failure('23505'), 'x')).toBeUndefined();
    expect(databaseExit(new Error('no code'), 'x')).toBeUndefined();
  });

  it('drop output a reader no longer wants (a closed pipe) instead of dying on it; any other output error still surfaces', () => {
    const out = new EventEmitter();
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    // an 'error' nobody listens to is thrown: how a command died on `| head`
    expect(() => new EventEmitter().emit('error', epipe)).toThrow('EPIPE');
    ignoreClosedOutput([out]);
    expect(() => out.emit('error', epipe)).not.toThrow();
    expect(() => out.emit('error', Object.assign(new Error('destroyed'), { code: 'ERR_STREAM_DESTROYED' }))).not.toThrow();
    expect(() => out.emit('error', Object.assign(new Error('no space'), { code: 'ENOSPC' }))).toThrow('no space');
  });
});
