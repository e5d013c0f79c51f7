import { memberNameKey } from './member-name';

describe('memberNameKey', () => {
  it('ignores case, also of Tajik and Russian letters', () => {
    expect(memberNameKey('МАРКАЗИ БӮҲРОНИИ «ҲИМОЯ»')).toBe(memberNameKey('маркази бӯҳронии «ҳимоя»'));
    expect(memberNameKey('Кризисный Центр')).toBe('кризисный центр');
  });

  it('ignores surrounding and repeated inner whitespace of any kind', () => {
    expect(memberNameKey('  Crisis\u00a0Centre \t  "Panoh"\n')).toBe('crisis centre "panoh"');
  });

  it('reads a letter typed decomposed as the same letter', () => {
    expect(memberNameKey('Хонаи бехатар \u0438\u0304')).toBe(memberNameKey('Хонаи бехатар \u04e3'));
  });

  it('still tells different names apart', () => {
    expect(memberNameKey('Centre A')).not.toBe(memberNameKey('Centre B'));
    expect(memberNameKey('Centre A')).not.toBe(memberNameKey('CentreA'));
  });
});
