// jsdom plus the fetch family of the outer Node realm: Taro's H5 request uses fetch, which jsdom lacks.
const JsdomEnvironment = require('jest-environment-jsdom').TestEnvironment;

class ClientEnvironment extends JsdomEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.fetch = fetch;
    this.global.Headers = Headers;
    this.global.Request = Request;
    this.global.Response = Response;
    this.global.AbortController = AbortController;
    this.global.AbortSignal = AbortSignal;
    this.global.TextEncoder = TextEncoder;
    this.global.TextDecoder = TextDecoder;
  }
}

module.exports = ClientEnvironment;
