import type { UserConfigExport } from '@tarojs/cli';

/** Production builds: Taro's default minification and hashing. */
const prodConfig: UserConfigExport<'webpack5'> = {
  mini: {},
  h5: {},
};

export default prodConfig;
