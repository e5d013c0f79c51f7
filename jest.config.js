/* One Jest run for every app and lib: unit specs beside the code, integration
 * specs (real Postgres, started once in globalSetup) under apps/<app>/test. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true, dynamicImport: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];

const moduleNameMapper = {
  '^@paivand/schema$': '<rootDir>/libs/schema/src',
  '^@paivand/schema/(.*)$': '<rootDir>/libs/schema/src/$1',
  '^@paivand/anonymizer$': '<rootDir>/libs/anonymizer/src',
  '^@paivand/anonymizer/(.*)$': '<rootDir>/libs/anonymizer/src/$1',
  '^@paivand/synthetic$': '<rootDir>/libs/synthetic/src',
  '^@paivand/devdb$': '<rootDir>/libs/devdb/src',
  '^@paivand/nest-common$': '<rootDir>/libs/nest-common/src',
};

const common = {
  rootDir: __dirname,
  transform: { '^.+\\.(t|j)s$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testEnvironment: 'node',
};

module.exports = {
  maxWorkers: process.env.JEST_MAX_WORKERS ?? 2,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,test,scripts}/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.e2e-spec\\.ts$'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/apps/**/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/harness/global-setup.ts',
      globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
      testTimeout: 60000,
    },
  ],
};
