/// <reference types="@tarojs/taro" />

declare module '*.png' {
  const src: string;
  export default src;
}
declare module '*.scss';
declare module '*.css';

declare namespace NodeJS {
  interface ProcessEnv {
    /** The platform Taro builds for. */
    TARO_ENV?: 'weapp' | 'h5' | 'swan' | 'alipay' | 'tt' | 'qq' | 'jd' | 'harmony' | 'rn';
    /** The weapp's absolute API base URL (from .env.development / .env.production). */
    TARO_APP_API_BASE?: string;
  }
}

declare module '@nutui/icons-react-taro/dist/es/icons/configure.js' {
  /** Sets NutUI icons' global options (the element they render, their class prefix). */
  export function configure(config: { tag?: string; classPrefix?: string; useSvg?: boolean }): void;
}
