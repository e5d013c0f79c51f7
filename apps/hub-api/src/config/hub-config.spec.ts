import { ConfigError, loadHubConfig } from './hub-config';

const BASE = { JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789' };

describe('loadHubConfig: yes/no variables', () => {
  it('reads the usual spellings of yes and no', () => {
    for (const v of ['true', 'TRUE', '1', 'yes', ' yes ']) expect(loadHubConfig({ ...BASE, MIGRATIONS_RUN: v }).MIGRATIONS_RUN).toBe(true);
    for (const v of ['false', '0', 'no', '']) expect(loadHubConfig({ ...BASE, MIGRATIONS_RUN: v }).MIGRATIONS_RUN).toBe(false);
    expect(loadHubConfig(BASE).MIGRATIONS_RUN).toBe(false);
  });

  it('refuses a typo, naming the variable and not its value, instead of reading it as no', () => {
    let err: unknown;
    try {
      loadHubConfig({ ...BASE, MIGRATIONS_RUN: 'ture' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('MIGRATIONS_RUN must be true or false');
    expect((err as ConfigError).message).not.toContain('ture');
  });
});
