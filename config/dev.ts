import type { UserConfigExport } from '@tarojs/cli';

/** Development builds: readable output, no minification. */
const devConfig: UserConfigExport<'webpack5'> = {
  logger: { quiet: false, stats: true },
  mini: {},
  h5: {},
};

export default devConfig;
