// The client code branches on the platform: tests run as H5.
process.env.TARO_ENV = 'h5';
