// Test groups are jest projects so each can run alone (`npm run test:unit`, …).
// Only the groups that talk to real services get the global setup that starts
// the local stack, so unit tests never wait for it.
const fs = require('node:fs');
const swcConfig = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swcConfig.$schema;

// NestJS code (the @tally/nestjs package and its tests) uses TypeScript's
// legacy decorators with type metadata, as Nest's dependency injection
// requires; everything else uses the standard decorators of TypeScript 5. The
// first pattern that matches wins.
const nestjsSwcConfig = {
  ...swcConfig,
  swcrc: false,
  jsc: { ...swcConfig.jsc, transform: { legacyDecorator: true, decoratorMetadata: true } },
};
const transform = {
  '^.+/(packages/nestjs/src|test/nestjs)/.+\\.ts$': ['@swc/jest', nestjsSwcConfig],
  '^.+\\.(t|j)s$': ['@swc/jest', { ...swcConfig, swcrc: false }],
};

// The workspace packages are imported by name and tested from their sources
// (the packaging tests install the built tarballs instead). Their sources write
// relative imports with the .js extension their ES module build needs.
const moduleNameMapper = {
  '^@tally/sdk$': '<rootDir>/packages/sdk/src/index.ts',
  '^@tally/sdk/express$': '<rootDir>/packages/sdk/src/express.ts',
  '^@tally/nestjs$': '<rootDir>/packages/nestjs/src/index.ts',
  '^(\\.{1,2}/.*)\\.js$': '$1',
};

function group(name, extra = {}) {
  return {
    displayName: name,
    testEnvironment: 'node',
    transform,
    moduleNameMapper,
    testMatch: [`<rootDir>/test/**/*.${name}.test.ts`],
    ...extra,
  };
}

const withStack = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFiles: ['<rootDir>/test/support/quiet-temporal.ts'],
};

module.exports = {
  projects: [
    group('unit'),
    group('contract'),
    group('int', withStack),
    group('e2e', withStack),
  ],
};
