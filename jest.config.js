// Jest projects: server (in-process app on PGlite), client (jsdom + Taro H5 runtime), weapp (compiled build), e2e (Chromium).
const node = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.[cm]?[jt]sx?$': [
      'babel-jest',
      { configFile: false, babelrc: false, presets: [['@babel/preset-env', { targets: { node: 'current' } }], '@babel/preset-typescript'] },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|@electric-sql/pglite)/)'],
  cacheDirectory: '<rootDir>/.jest-cache',
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  projects: [
    { ...node, displayName: 'server', rootDir: __dirname, testMatch: ['<rootDir>/tests/server/**/*.test.ts'] },
    require('./jest.client.config.js'),
    require('./jest.weapp.config.js'),
    { ...node, displayName: 'e2e', rootDir: __dirname, testMatch: ['<rootDir>/tests/e2e/**/*.test.ts'] },
  ],
};
