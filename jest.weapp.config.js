// Tests of the compiled WeChat build (dist/weapp, built beforehand by `npm run build:weapp`).
/** @type {import('jest').Config} */
module.exports = {
  displayName: 'weapp',
  rootDir: __dirname,
  testMatch: ['<rootDir>/tests/weapp/**/*.test.ts'],
  testEnvironment: 'node',
  transform: { '^.+\\.(m?[jt]sx?|cjs)$': 'babel-jest' },
  transformIgnorePatterns: ['/node_modules/', '/dist/'],
  cacheDirectory: '<rootDir>/.jest-cache',
  testTimeout: 60000,
};
