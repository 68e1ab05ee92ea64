// Client tests: pages and components under jsdom with the real Taro H5 runtime (see TOOLCHAIN.md).
/** @type {import('jest').Config} */
module.exports = {
  displayName: 'client',
  rootDir: __dirname,
  testMatch: ['<rootDir>/tests/client/**/*.test.ts?(x)'],
  testEnvironment: '<rootDir>/tests/client/env.js',
  testEnvironmentOptions: { customExportConditions: ['node', 'node-addons'] },
  setupFiles: ['<rootDir>/tests/client/setup.ts'],
  transform: { '^.+\\.(m?[jt]sx?|cjs)$': 'babel-jest' },
  transformIgnorePatterns: [
    '/node_modules/(react|react-dom|scheduler|@babel|core-js|core-js-pure|@jest|jest-[^/]+|babel-jest|@testing-library)/',
  ],
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
  testTimeout: 30000,
};
