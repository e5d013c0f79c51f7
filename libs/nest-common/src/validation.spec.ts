import { NotFoundException } from '@nestjs/common';
import { ApiError } from './errors/api-error';
import { classifyError } from './errors/format-graphql-error';
import { apiValidationPipe, nulPath } from './validation';

describe('U+0000 at the edge (Postgres stores it in no text or jsonb column)', () => {
  it('finds it in a value or a key, at any depth, and names the path', () => {
    expect(nulPath('plain', 'q')).toBeNull();
    expect(nulPath('a\u0000b', 'q')).toBe('q');
    expect(nulPath({ filter: { names: ['ok', 'x\u0000'] } }, 'input')).toBe('input.filter.names.1');
    expect(nulPath({ ['k\u0000']: 1 }, 'submission')).toBe('submission');
    expect(nulPath(Object.assign(Object.create(null) as object, { title: { en: '\u0000' } }), 'input')).toBe('input.title.en');
    // never walks what is not a plain input value (a request, a stream, a buffer)
    expect(nulPath(Buffer.from([0]), 'body')).toBeNull();
    expect(nulPath(new (class Req { url = '/x\u0000'; })(), 'body')).toBeNull();
  });

  it('the pipe refuses it with BAD_USER_INPUT, field and code, in any argument, DTO or not; custom parameters pass', async () => {
    const pipe = apiValidationPipe();
    const refused = await pipe.transform('A\u0000B', { type: 'body', data: 'clientCode', metatype: String }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', details: { reason: 'VALIDATION_FAILED', fields: [{ field: 'clientCode', code: 'INVALID_CHARACTERS' }] } });
    expect((refused as Error).message).not.toContain('\u0000');
    await expect(pipe.transform({ q: { s: 'x\u0000' } }, { type: 'query', metatype: Object })).rejects.toMatchObject({ details: { fields: [{ field: 'q.s' }] } });
    expect(await pipe.transform('fine', { type: 'body', data: 'clientCode', metatype: String })).toBe('fine');
    const principal = { id: 'x\u0000' };
    expect(await pipe.transform(principal, { type: 'custom', metatype: Object })).toBe(principal);
  });

  it('a Postgres refusal of a character that got past the edge is the caller\'s BAD_USER_INPUT, not an internal error', () => {
    expect(classifyError(Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' }))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'Invalid characters in input',
      details: { reason: 'INVALID_CHARACTERS' },
    });
    expect(classifyError(Object.assign(new Error('unsupported Unicode escape sequence'), { driverError: { code: '22P05' } })).code).toBe('BAD_USER_INPUT');
    expect(classifyError(new Error('boom')).code).toBe('INTERNAL_SERVER_ERROR');
  });

  it("Nest's 404 for an unknown route does not repeat the path and query string asked for", () => {
    expect(classifyError(new NotFoundException('Cannot GET /graphq?variables={"i":{"fullName":"Zarina Testova"}}'))).toEqual({ code: 'NOT_FOUND', message: 'Not found' });
  });
});
