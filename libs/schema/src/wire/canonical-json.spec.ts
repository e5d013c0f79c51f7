import { canonicalJson, sha256Hex } from './canonical-json';

describe('canonicalJson', () => {
  it('is independent of key order, at every depth', () => {
    const a = { b: 1, a: { y: [1, { q: 2, p: 1 }], x: 'é' }, c: null };
    const b = { c: null, a: { x: 'é', y: [1, { p: 1, q: 2 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"x":"é","y":[1,{"p":1,"q":2}]},"b":1,"c":null}');
    expect(sha256Hex(canonicalJson(a))).toBe(sha256Hex(canonicalJson(b)));
  });

  it('keeps array order and drops undefined members', () => {
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson([undefined])).toBe('[null]');
  });

  it('refuses values JSON cannot carry faithfully', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
  });
});
