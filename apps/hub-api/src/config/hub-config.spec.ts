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

describe('loadHubConfig: TRUST_PROXY', () => {
  it('trusts no proxy unless told, and reads hop counts, addresses, subnets and the names Express knows', () => {
    expect(loadHubConfig(BASE).TRUST_PROXY).toBe(false);
    expect(loadHubConfig({ ...BASE, TRUST_PROXY: 'no' }).TRUST_PROXY).toBe(false);
    expect(loadHubConfig({ ...BASE, TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadHubConfig({ ...BASE, TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8' }).TRUST_PROXY).toBe('loopback, 10.0.0.0/8,fd00::/8');
    expect(loadHubConfig({ ...BASE, TRUST_PROXY: 'fc00::/7,192.168.0.0/16' }).TRUST_PROXY).toBe('fc00::/7,192.168.0.0/16');
  });

  it('refuses "true" (any client could name its own address) and anything that is no address', () => {
    // and subnets so wide that any client would be a proxy (0.0.0.0/0 is `true` again)
    for (const v of ['true', 'yes', '10.0.0.0/33', 'proxy.example', '11', '1.2.3.4/8/1', '0.0.0.0/0', 'loopback,::/0', '128.0.0.0/1', '10.0.0.0/7', '::/6']) {
      expect(() => loadHubConfig({ ...BASE, TRUST_PROXY: v })).toThrow(/TRUST_PROXY must be/);
    }
  });
});
