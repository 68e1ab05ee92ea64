// Jest projects: server (in-process app on PGlite), client (jsdom + the Taro H5 runtime),
// weapp (the compiled WeChat build under miniprogram-simulate) and e2e (the H5 build in Chromium).

// Server code and Node-side tests: TypeScript through babel; jose and PGlite are ESM-flavoured, so they are transformed too.
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

// Client tests: the project's babel.config.js (babel-preset-taro + on-demand NutUI), as TOOLCHAIN.md describes.
const client = {
  displayName: 'client',
  rootDir: __dirname,
  testMatch: ['<rootDir>/tests/client/**/*.test.ts?(x)'],
  testEnvironment: '<rootDir>/tests/client/env.js',
  testEnvironmentOptions: { customExportConditions: ['node', 'node-addons'] },
  setupFiles: ['<rootDir>/tests/client/setup.ts'],
  setupFilesAfterEnv: ['<rootDir>/tests/client/after-env.ts'],
  transform: { '^.+\\.(m?[jt]sx?|cjs)$': 'babel-jest' },
  transformIgnorePatterns: ['/node_modules/(react|react-dom|scheduler|@babel|core-js|core-js-pure|@jest|jest-[^/]+|babel-jest|@testing-library)/'],
  moduleNameMapper: {
    '\\.(css|scss|sass|less)$': '<rootDir>/tests/client/style-stub.js',
    '\\.(png|jpe?g|gif|svg)$': '<rootDir>/tests/client/file-stub.js',
    '^@tarojs/components$': '@tarojs/components/lib/react',
    '^@tarojs/taro$': '<rootDir>/tests/client/taro.ts',
  },
  globals: {
    ENABLE_INNER_HTML: true,
    ENABLE_ADJACENT_HTML: true,
    ENABLE_SIZE_APIS: true,
    ENABLE_TEMPLATE_CONTENT: true,
    ENABLE_CLONE_NODE: true,
    ENABLE_CONTAINS: true,
    ENABLE_MUTATION_OBSERVER: true,
    DEPRECATED_ADAPTER_COMPONENT: false,
    __TARO_FRAMEWORK__: 'react',
  },
  cacheDirectory: '<rootDir>/.jest-cache',
};

// The compiled WeChat build (dist/weapp, built by `npm run build:weapp` before jest runs).
const weapp = {
  displayName: 'weapp',
  rootDir: __dirname,
  testMatch: ['<rootDir>/tests/weapp/**/*.test.ts'],
  testEnvironment: 'node',
  transform: { '^.+\\.(m?[jt]sx?|cjs)$': 'babel-jest' },
  transformIgnorePatterns: ['/node_modules/', '/dist/'],
  cacheDirectory: '<rootDir>/.jest-cache',
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  projects: [
    { ...node, displayName: 'server', rootDir: __dirname, testMatch: ['<rootDir>/tests/server/**/*.test.ts'] },
    client,
    weapp,
    { ...node, displayName: 'e2e', rootDir: __dirname, testMatch: ['<rootDir>/tests/e2e/**/*.test.ts'] },
  ],
};
