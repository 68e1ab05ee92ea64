// Stands in for polyfills of what every browser the H5 build supports (browserslist: Chrome >= 66, iOS >= 12) has natively:
// fetch (whatwg-fetch) and AbortController (abortcontroller-polyfill), which @tarojs/taro-h5 imports unconditionally.
