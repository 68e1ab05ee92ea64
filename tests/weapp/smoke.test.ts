/**
 * @jest-environment jsdom
 */
// Renders pages of the compiled WeChat build with miniprogram-simulate and WeChat's official WXML compiler.
// `wx` APIs are stubs and no wxss applies: this proves the output really renders and taps reach React handlers.
import fs from 'node:fs';
import path from 'node:path';

const DIST = path.resolve(__dirname, '..', '..', 'dist', 'weapp');

interface SimComponent {
  dom: { textContent: string };
  querySelectorAll(selector: string): SimNode[];
  attach(parent: unknown): void;
}
interface SimNode {
  dom: { textContent: string };
  dispatchEvent(name: string, detail?: unknown): void;
}
interface Simulate {
  load(definition: Record<string, unknown>): string;
  render(id: string, props?: Record<string, unknown>): SimComponent;
  sleep(ms?: number): Promise<void>;
}
type PageOptions = Record<string, unknown> & { data?: Record<string, unknown> };

const storage = new Map<string, unknown>();
const calls: { name: string; args: unknown[] }[] = [];
/** Answers of the API by path (anything else fails as if offline). */
const answers = new Map<string, unknown>();
let captured: PageOptions | null = null;
let appInstance: Record<string, unknown> = {};

function rect() {
  return { width: 375, height: 40, top: 0, left: 0, right: 375, bottom: 40 };
}

function selectorQuery() {
  const query = {
    in: () => query,
    select: () => query,
    selectAll: () => query,
    selectViewport: () => query,
    boundingClientRect: () => query,
    scrollOffset: () => query,
    fields: () => query,
    node: () => query,
    exec: (cb?: (res: unknown[]) => void) => {
      const res = [rect()];
      if (cb) cb(res);
      return res;
    },
  };
  return query;
}

const RECORDED_APIS = [
  'makePhoneCall',
  'navigateTo',
  'navigateBack',
  'switchTab',
  'redirectTo',
  'reLaunch',
  'showToast',
  'hideToast',
  'showModal',
  'showLoading',
  'hideLoading',
  'login',
  'setClipboardData',
  'setNavigationBarTitle',
  'stopPullDownRefresh',
  'pageScrollTo',
  'hideShareMenu',
  'setVisualEffectOnCapture',
  'requestSubscribeMessage',
];

function wxStub(): Record<string, unknown> {
  const recorder =
    (name: string) =>
    (...args: unknown[]) => {
      calls.push({ name, args });
      const opts = args[0] as { success?: (r: unknown) => void; complete?: (r: unknown) => void } | undefined;
      opts?.success?.({ errMsg: `${name}:ok` });
      opts?.complete?.({ errMsg: `${name}:ok` });
    };
  const target: Record<string, unknown> = {
    getSystemInfoSync: () => ({ platform: 'devtools', windowWidth: 375, windowHeight: 812, pixelRatio: 2, screenWidth: 375, screenHeight: 812, SDKVersion: '3.6.0', version: '8.0.50', language: 'zh_CN', statusBarHeight: 20 }),
    getWindowInfo: () => ({ windowWidth: 375, windowHeight: 812, pixelRatio: 2, screenWidth: 375, screenHeight: 812, statusBarHeight: 20 }),
    getDeviceInfo: () => ({ platform: 'devtools' }),
    getAppBaseInfo: () => ({ SDKVersion: '3.6.0', language: 'zh_CN' }),
    getMenuButtonBoundingClientRect: () => rect(),
    createSelectorQuery: selectorQuery,
    createIntersectionObserver: () => ({ relativeToViewport: () => ({ observe: () => undefined }), observe: () => undefined, disconnect: () => undefined }),
    getStorageSync: (key: string) => (storage.has(key) ? storage.get(key) : ''),
    setStorageSync: (key: string, value: unknown) => void storage.set(key, value),
    removeStorageSync: (key: string) => void storage.delete(key),
    canIUse: () => true,
    nextTick: (fn: () => void) => setTimeout(fn, 0),
    onNeedPrivacyAuthorization: (listener: unknown) => void calls.push({ name: 'onNeedPrivacyAuthorization', args: [listener] }),
    request: (opts: { url: string; success?: (r: unknown) => void; fail?: (e: unknown) => void; complete?: (e: unknown) => void }) => {
      calls.push({ name: 'request', args: [opts] });
      const answer = [...answers].find(([p]) => opts.url.endsWith(p));
      if (answer) {
        opts.success?.({ statusCode: 200, data: answer[1], header: {}, errMsg: 'request:ok' });
        opts.complete?.({ errMsg: 'request:ok' });
      } else {
        opts.fail?.({ errMsg: 'request:fail stubbed' });
        opts.complete?.({ errMsg: 'request:fail stubbed' });
      }
      return { abort: () => undefined };
    },
  };
  // Taro wraps the APIs it finds as own keys of `wx` at start-up, so each one the pages use is listed here.
  for (const name of RECORDED_APIS) target[name] = recorder(name);
  return target;
}

function pageDefinition(options: PageOptions, template: unknown, query: Record<string, string>): Record<string, unknown> {
  const methods: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (typeof value === 'function') methods[key] = value;
  }
  return {
    template,
    data: options.data ?? {},
    methods,
    lifetimes: {
      attached(this: Record<string, unknown>) {
        const onLoad = options.onLoad as ((this: unknown, q: Record<string, string>) => void) | undefined;
        const onShow = options.onShow as ((this: unknown) => void) | undefined;
        onLoad?.call(this, query);
        onShow?.call(this);
      },
    },
  };
}

let simulate: Simulate;
let getWxml: (pagePath: string, config: Record<string, unknown>) => unknown;

beforeAll(() => {
  if (!fs.existsSync(path.join(DIST, 'app.js'))) throw new Error('dist/weapp is missing: run `npm run build:weapp` first');
  const g = globalThis as Record<string, unknown>;
  g.wx = wxStub();
  g.App = (options: Record<string, unknown>) => {
    appInstance = options;
    const onLaunch = options.onLaunch as ((this: unknown, o: Record<string, unknown>) => void) | undefined;
    onLaunch?.call(options, { path: 'pages/index/index', query: {} });
  };
  g.getApp = () => appInstance;
  g.getCurrentPages = () => [];
  g.Page = (options: PageOptions) => {
    captured = options;
  };
  simulate = require('miniprogram-simulate') as Simulate;
  getWxml = (require('miniprogram-simulate/src/compile') as { getWxml: typeof getWxml }).getWxml;
  require(path.join(DIST, 'app.js'));
});

const registered = new Map<string, PageOptions>();

async function renderPage(route: string, query: Record<string, string> = {}): Promise<SimComponent> {
  // A page module runs (and calls Page()) once: a page rendered again, with other query parameters, reuses its options.
  if (!registered.has(route)) {
    captured = null;
    require(path.join(DIST, `${route}.js`));
    if (!captured) throw new Error(`${route} did not call Page()`);
    registered.set(route, captured);
  }
  const options = registered.get(route) as PageOptions;
  const g = globalThis as Record<string, unknown>;
  const template = getWxml(path.join(DIST, route), { compiler: 'official', rootPath: DIST });
  const id = simulate.load(pageDefinition(options, template, query));
  const page = simulate.render(id);
  g.getCurrentPages = () => [page];
  page.attach(document.createElement('parent-wrapper'));
  // React renders asynchronously: wait until the page shows something (under load 50 ms were not always enough).
  await until(() => page.dom.textContent.trim() !== '');
  await simulate.sleep(50);
  return page;
}

/** Waits until check() holds, up to 3 s: React and Taro's event bridge answer asynchronously, later under load. */
async function until(check: () => boolean): Promise<void> {
  for (let waited = 0; waited < 3000 && !check(); waited += 20) await simulate.sleep(20);
}

function find(page: SimComponent, selector: string, text: string): SimNode {
  const node = page.querySelectorAll(selector).find((n) => n.dom.textContent.includes(text));
  if (!node) throw new Error(`no ${selector} with text ${text}`);
  return node;
}

describe('compiled weapp pages', () => {
  it('首页 renders its text and a tap reaches React onClick', async () => {
    const page = await renderPage('pages/index/index');
    const text = page.dom.textContent;
    expect(text).toContain('心桥 · 陪伴孩子心理健康成长');
    expect(text).toContain('24小时学生心理援助热线');
    expect(text).toContain('12356');
    expect(text).toContain('家庭教育课程');
    calls.length = 0;
    find(page, '.xq-safety__call', '立即拨打').dispatchEvent('tap');
    await until(() => calls.some((c) => c.name === 'makePhoneCall'));
    expect(calls.some((c) => c.name === 'makePhoneCall' && (c.args[0] as { phoneNumber: string }).phoneNumber === '12356')).toBe(true);
  });

  it('我的 renders the logged-out call to action and its button navigates to login', async () => {
    const page = await renderPage('pages/me/index');
    const text = page.dom.textContent;
    expect(text).toContain('你还没有登录');
    expect(text).toContain('隐私保护指引');
    calls.length = 0;
    find(page, '.xq-login-prompt__action', '去登录').dispatchEvent('tap');
    await until(() => calls.some((c) => c.name === 'navigateTo'));
    expect(calls.some((c) => c.name === 'navigateTo' && String((c.args[0] as { url: string }).url).includes('packages/account/login/index'))).toBe(true);
  });

  it('课程 renders the catalogue for a guest: search, the five module filters and the stages, with no login prompt', async () => {
    const page = await renderPage('pages/courses/index');
    const text = page.dom.textContent;
    expect(text).toContain('搜索');
    expect(text).not.toContain('去登录');
    for (const name of ['心理健康教育', '心理援助', '心理保健', '心理异常认知', '亲子沟通', '初中']) expect(text).toContain(name);
  });

  it('the course subpackage renders: 证书查验 asks for a code before calling the API', async () => {
    const page = await renderPage('packages/course/verify/index');
    expect(page.dom.textContent).toContain('输入结业证书上的验证码');
    calls.length = 0;
    find(page, '.xq-verify__go', '查验').dispatchEvent('tap');
    await until(() => page.dom.textContent.includes('请输入证书验证码'));
    expect(page.dom.textContent).toContain('请输入证书验证码');
    expect(calls.some((c) => c.name === 'request')).toBe(false);
  });

  it("a certificate's QR code is one image with an SVG data URI of its verification link; the scanned link (WeChat's q) opens 证书查验 and checks the code", async () => {
    const code = 'ABCD-EFGH-JKLM';
    answers.set(`/api/certificates/${code}`, {
      valid: true, certificate: { code, displayName: '张敏', courseTitle: '读懂孩子的情绪', module: 'mh_education', issuedAt: '2026-11-20T08:00:00.000Z' },
    });
    const page = await renderPage('packages/course/certificate/index', { code });
    await until(() => page.dom.textContent.includes('扫码查验'));
    // The production build's TARO_APP_API_BASE (.env.production): the backend serves the H5 verify page there.
    const link = `https://api.xinqiao.example.cn/#/packages/course/verify/index?code=${code}`;
    expect(page.dom.textContent).toContain(link);
    expect(page.querySelectorAll('.xq-cert__qr')).toHaveLength(1);
    // The simulator leaves an image's src out of the DOM: read it from the page data Taro rendered the template with.
    const nodes: Record<string, unknown>[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        nodes.push(v as Record<string, unknown>);
        Object.values(v).forEach(walk);
      }
    };
    walk((page as unknown as { instance: { data: unknown } }).instance.data);
    const qr = nodes.filter((n) => Object.values(n).includes('xq-cert__qr'));
    expect(qr).toHaveLength(1);
    // Taro's base template binds an image's src to a short key: read which, then the value under it.
    const srcKey = /<image src="\{\{i\.(\w+)\}\}"/.exec(fs.readFileSync(path.join(DIST, 'base.wxml'), 'utf8'))?.[1] ?? 'src';
    const src = String(qr[0][srcKey]);
    expect(src.startsWith('data:image/svg+xml;base64,')).toBe(true);
    expect(Buffer.from(src.slice('data:image/svg+xml;base64,'.length), 'base64').toString('ascii')).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 \d+ \d+".*<path fill="#000" d="M/);

    calls.length = 0;
    const verify = await renderPage('packages/course/verify/index', { q: encodeURIComponent(link) });
    await until(() => verify.dom.textContent.includes('证书有效'));
    expect(verify.dom.textContent).toContain('证书有效');
    expect(calls.some((c) => c.name === 'request' && String((c.args[0] as { url: string }).url).endsWith(`/api/certificates/${code}`))).toBe(true);
    answers.delete(`/api/certificates/${code}`);
  });

  it('the notices subpackage renders: 绑定孩子 offers the phone check and refuses without the separate consent', async () => {
    storage.set('xq_token', 'token-1');
    const page = await renderPage('packages/notices/bind/index');
    const text = page.dom.textContent;
    expect(text).toContain('告知书接收单独同意');
    expect(text).toContain('验证微信手机号');
    expect(page.querySelectorAll('.xq-bind__phone-btn')).toHaveLength(1);
    calls.length = 0;
    find(page, '.nut-button', '同意并绑定').dispatchEvent('tap');
    await until(() => page.dom.textContent.includes('请阅读并勾选单独同意'));
    expect(page.dom.textContent).toContain('请阅读并勾选单独同意，否则无法接收孩子的告知书');
    expect(calls.some((c) => c.name === 'request' && String((c.args[0] as { url: string }).url).includes('/api/bindings'))).toBe(false);
    storage.delete('xq_token');
  });

  it("the notice page renders a guardian's copy with the watermark and a 2D canvas for the signature, and hides the share menu", async () => {
    storage.set('xq_token', 'token-1');
    answers.set('/api/notices/n1', {
      kind: 'guardian', id: 'n1', schoolName: '小店区育英小学', studentName: '孙浩然', level: 'grade', sentAt: '2025-11-24T02:00:00.000Z',
      content: {
        observed: '近两周在课堂上多次独自流泪。', recommendation: '建议尽快到精神卫生医疗机构评估。', institutions: [{ name: '绿色通道定点医院', phone: '0351-0000301', address: '' }],
        meetingSlots: [], meetingPlace: '', contactName: '王静', contactPhone: '0351-0000101',
      },
      watermark: { name: '王芳', at: '2025-11-24T03:00:00.000Z' },
      receipt: { firstOpenedAt: '2025-11-24T03:00:00.000Z', acknowledgedAt: null, choice: null, meetingSlot: null },
      closed: false,
    });
    calls.length = 0;
    const page = await renderPage('packages/notices/view/index', { id: 'n1' });
    await until(() => page.dom.textContent.includes('近两周'));
    const text = page.dom.textContent;
    expect(text).toContain('近两周在课堂上多次独自流泪。');
    expect(text).toContain('第一步 · 确认已收到');
    expect(page.querySelectorAll('.xq-wm__name').length).toBeGreaterThan(20);
    expect(page.querySelectorAll('.xq-sig__canvas')).toHaveLength(1);
    expect(calls.find((c) => c.name === 'hideShareMenu')?.args[0]).toMatchObject({ menus: ['shareAppMessage', 'shareTimeline'] });
    expect(calls.find((c) => c.name === 'setVisualEffectOnCapture')?.args[0]).toMatchObject({ visualEffect: 'hidden' });
    calls.length = 0;
    find(page, '.xq-inst__item .nut-button', '拨打').dispatchEvent('tap');
    await until(() => calls.some((c) => c.name === 'makePhoneCall'));
    expect(calls.some((c) => c.name === 'makePhoneCall' && (c.args[0] as { phoneNumber: string }).phoneNumber === '0351-0000301')).toBe(true);
    answers.clear();
    storage.delete('xq_token');
  });
});
