/**
 * Issue 14's "Done when": every page of the H5 build, as every role that reaches it, in normal and 大字模式, measured in
 * Chromium at 375×812 from the real computed styles and boxes (tests/helpers/a11y.ts). The test fails on any violation
 * and prints a table of page × role × mode with the worst examples (the full list: tests/artifacts/a11y-audit.txt).
 *
 * What counts
 * - Tap target: a visible element that acts on a tap — a React onClick/onTap/onTouchStart/onTouchEnd/onLongPress prop
 *   (on a DOM element, or on the React wrapper of a Taro web component), a click listener added directly (Taro's tab
 *   bar), or a control: button, a[href], input, textarea, select, taro-*-core controls, [role=button], the tab bar items.
 *   An element inside a bigger tap target is a separate target only when it acts on its own (a handler its ancestor does
 *   not have, a text box, a real link); otherwise a tap on it is the ancestor's tap and the ancestor's box counts (the
 *   parts of a Taro control, and a text box in a tappable frame of its own such as NutUI's Input, merge the same way). The
 *   hit area is the border box, grown by an absolutely positioned ::before/::after that takes pointer events. It fails
 *   under 44×44 CSS px (0.3 px slack for rem rounding). Disabled controls count: they are still on screen to be read and
 *   tapped at, and the issue names disabled buttons that look like errors.
 * - Text: each element's own visible text (its direct text nodes joined), input values and placeholders (placeholder
 *   colour from ::placeholder). Body text is a run with 16 or more letters (CJK ideographs or Latin letters; digits,
 *   spaces and punctuation not counted, so "小学 · 3 课时 · 25 分钟" is secondary): it needs 15 px; any text needs 13 px.
 * - Contrast: the text colour (fill for SVG text) over the effective background: the background colours of the element
 *   and its ancestors composed from the white canvas (an ancestor counts only if the text's centre lies in its box: a
 *   value placed above its bar is not on the bar), each opacity < 1 composed as a group (the text fades with its
 *   ancestors), every combination of gradient stops tried and the worst taken; background images and positioned
 *   siblings behind the text are not seen. It needs 4.5:1, or 3:1 for text of 18 px and up (the issue's line; WCAG's is
 *   18.66 px bold or 24 px). Disabled controls are checked too (WCAG exempts them; the issue does not). Text declared
 *   decoration — inside aria-hidden and with pointer-events: none, i.e. the notice's faint watermark — is left out.
 * Offscreen content counts as on screen (boxes do not depend on scrolling); each page is scrolled to the end first so
 * lazily loaded content is there, and measured only after its data has loaded (no /api request in flight, no loading
 * state or skeleton on screen). Each page is measured as it first shows: states reached only by interaction (an open
 * picker or dialog, a form's validation messages) are not opened. A page that shows no .xq-page, an error state or
 * almost no text fails the test as not shown, and so does a 大字模式 page whose root lacks the class xq-large.
 *
 * XQ_A11Y_ONLY=课程,家长 (comma-separated parts of a page name, path or role) audits only the matching visits, for quick
 * rounds while fixing (the output says so); without it every page of app.config.ts must be in the list below.
 *
 * Also saves tests/artifacts/a11y-{home,courses,lesson,notice}{,-large}.png (as the parent) and a11y-dashboard{,-large}.png
 * (as 太原市 妇联 staff).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, loginFromMe, shot } from '../helpers/browser';
import { h5Suite } from '../helpers/h5';
import {
  LISTENER_HOOK, contrastRatio, gradientColors, over, parseColor, probeScript,
  type ProbeResult, type Rgba,
} from '../helpers/a11y';

const app = h5Suite();
const LARGE_KEY = 'xq_large_text';
const ONLY = (process.env.XQ_A11Y_ONLY ?? '').split(',').map((x) => x.trim()).filter(Boolean);

/** Ids the pages need in their query, found or made once the server is up. */
interface Fixture {
  school: string; pupil: string; course: string; quizCourse: string; lessons: Record<'article' | 'audio' | 'video', string>;
  certificate: string; event: string; schoolEvent: string; notice: string; city: string; station: string;
}
let fx: Fixture;

/** One page to audit: its path in app.config.ts, the query, and a short name for the table. */
interface Visit { path: string; name: string; query?: () => string; shot?: string }

const TABS: Visit[] = [
  { path: 'pages/index/index', name: '首页', shot: 'home' },
  { path: 'pages/courses/index', name: '课程', shot: 'courses' },
  { path: 'pages/events/index', name: '活动' },
  { path: 'pages/me/index', name: '我的' },
];
const v = (p: string, name: string, query?: () => string, shotName?: string): Visit => ({ path: p, name, query, shot: shotName });
const COURSE = v('packages/course/detail/index', '课程详情', () => `id=${fx.course}`);
const VERIFY = v('packages/course/verify/index', '证书查验');
const VERIFIED = v('packages/course/verify/index', '证书查验(结果)', () => `code=${fx.certificate}`);
const CERT = v('packages/course/certificate/index', '证书', () => `code=${fx.certificate}`);
const EVENT = v('packages/events/detail/index', '活动详情', () => `id=${fx.event}`);
const PRIVACY = v('packages/account/privacy/index', '隐私指引');
const PROFILE = v('packages/account/profile/index', '编辑资料');
const BOARD = v('packages/notices/board/index', '告知书工作台');
const STAFF_NOTICE = v('packages/notices/view/index', '告知书(教师)', () => `id=${fx.notice}`);
const STUDENTS = v('packages/notices/students/index', '学生与绑定', () => `school=${fx.school}`);
const CLASSES = v('packages/notices/classes/index', '班级与班主任', () => `school=${fx.school}`);
const MANAGE = v('packages/events/manage/index', '活动管理');
const INVITATIONS = v('packages/admin/invitations/index', '邀请');
const DASHBOARD = v('packages/reports/dashboard/index', '妇联统计', undefined, 'dashboard');
const PUPIL_IMPORT = v('packages/admin/import/index', '学生名单导入', () => `schoolId=${fx.school}`);
const REGISTRY_IMPORT = v('packages/admin/import/index', '名录导入');
const HOTLINES = v('packages/admin/hotline/index', '心理援助热线');
const HOTLINE_CITY = v('packages/admin/hotline/index', '心理援助热线(太原市)', () => `id=${fx.city}`);
const AUTHORING = v('packages/admin/courses/index', '课程编写');
const AUTHOR_NEW = v('packages/admin/course-edit/index', '新建课程');
const AUTHOR_EDIT = v('packages/admin/course-edit/index', '编辑课程', () => `id=${fx.course}`);
const AUTHOR_PREVIEW = v('packages/admin/course-preview/index', '预览课程', () => `id=${fx.course}`);
const AUTHOR_PREVIEW_LESSON = v('packages/admin/course-preview/index', '预览课时', () => `id=${fx.course}&lesson=${fx.lessons.article}`);

/** Who opens which pages: every page a role reaches from its 我的 and tabs (common pages for everyone: as guest and parent). */
const ROLES: { role: string; login?: string; shots?: boolean; visits: Visit[] }[] = [
  { role: '游客', visits: [...TABS, v('packages/account/login/index', '登录'), PRIVACY, COURSE, VERIFY, VERIFIED, CERT, EVENT] },
  {
    role: '家长', login: '张敏', shots: true, visits: [
      ...TABS, PROFILE, PRIVACY, v('packages/account/invite/index', '邀请码'), COURSE,
      v('packages/course/lesson/index', '课时(文章)', () => `id=${fx.lessons.article}`, 'lesson'),
      v('packages/course/lesson/index', '课时(音频)', () => `id=${fx.lessons.audio}`),
      v('packages/course/lesson/index', '课时(视频)', () => `id=${fx.lessons.video}`),
      v('packages/course/quiz/index', '测验', () => `courseId=${fx.quizCourse}`), CERT, VERIFIED,
      v('packages/course/learning/index', '我的学习'), EVENT, v('packages/notices/bind/index', '绑定孩子'),
      v('packages/notices/inbox/index', '学校通知'), v('packages/notices/view/index', '告知书(家长)', () => `id=${fx.notice}`, 'notice'),
      v('packages/notices/mydata/index', '我的数据'),
    ],
  },
  {
    role: '心理教师', login: '王静', visits: [
      ...TABS, BOARD, v('packages/notices/issue/index', '发出告知书', () => `school=${fx.school}&student=${fx.pupil}`), STUDENTS, STAFF_NOTICE, MANAGE, PUPIL_IMPORT,
    ],
  },
  { role: '班主任', login: '陈磊', visits: [...TABS, BOARD, STUDENTS, STAFF_NOTICE, CLASSES] },
  {
    role: '学校领导', login: '周建国', visits: [
      ...TABS, BOARD, STAFF_NOTICE, STUDENTS, CLASSES, v('packages/notices/settings/index', '告知设置', () => `school=${fx.school}`), MANAGE,
      v('packages/events/edit/index', '发布活动'), v('packages/events/edit/index', '修改活动', () => `id=${fx.schoolEvent}`),
      v('packages/events/roster/index', '签到名单', () => `id=${fx.schoolEvent}`), INVITATIONS, PUPIL_IMPORT,
    ],
  },
  { role: '妇联', login: '刘芳', shots: true, visits: [...TABS.map((t) => ({ ...t, shot: undefined })), DASHBOARD, REGISTRY_IMPORT, HOTLINES, HOTLINE_CITY, AUTHORING, AUTHOR_NEW] },
  {
    role: '管理员', login: '平台管理员', visits: [
      ...TABS, v('packages/admin/registry/index', '名录'), v('packages/admin/registry/index', '名录(太原市)', () => `id=${fx.city}`), INVITATIONS,
      DASHBOARD, HOTLINES, HOTLINE_CITY, BOARD, v('packages/notices/settings/index', '告知设置(只读)', () => `school=${fx.school}`), MANAGE, REGISTRY_IMPORT,
      v('packages/admin/unit/index', '新增区县', () => `type=region&regionId=${fx.city}`),
      v('packages/admin/unit/index', '新增学校', () => `type=school&regionId=${fx.city}`),
      v('packages/admin/unit/index', '修改站点', () => `type=station&regionId=${fx.city}&id=${fx.station}`),
      AUTHORING, AUTHOR_NEW, AUTHOR_EDIT, AUTHOR_PREVIEW, AUTHOR_PREVIEW_LESSON,
    ],
  },
];

/** What one page measured, for the table. */
interface Row { page: string; path: string; role: string; mode: '常规' | '大字'; result: ProbeResult; problems: string[] }

/** Every page path in src/app.config.ts (tab pages and subpackage pages). */
function configuredPages(): string[] {
  const src = fs.readFileSync(path.resolve(__dirname, '..', '..', 'src', 'app.config.ts'), 'utf8');
  const main = /pages:\s*\[([^\]]*)\]/.exec(src)?.[1] ?? '';
  const list = [...main.matchAll(/'([^']+)'/g)].map((m) => m[1] as string);
  for (const m of src.matchAll(/root:\s*'([^']+)',\s*pages:\s*\[([^\]]*)\]/g)) {
    for (const p of (m[2] as string).matchAll(/'([^']+)'/g)) list.push(`${m[1]}/${p[1]}`);
  }
  return list;
}

async function api<T>(method: string, p: string, token?: string, body?: unknown): Promise<T> {
  const res = await fetch(`${app.url()}${p}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
const token = async (identity: string) => (await api<{ token: string }>('POST', '/api/auth/dev-login', undefined, { identity })).token;

/** Finds the demo's ids, gives 张敏 a certificate, and has 育英小学 send her a notice about 李子涵 (written and approved). */
async function makeFixture(): Promise<Fixture> {
  const db = app.server().db;
  const one = async (sql: string, params: unknown[] = []) => {
    const rows = await db.query<{ id: string }>(sql, params);
    if (!rows[0]) throw new Error(`fixture: nothing for ${sql}`);
    return rows[0].id;
  };
  const school = await one("SELECT id FROM schools WHERE name = '小店区育英小学'");
  const pupil = await one("SELECT id FROM students WHERE name = '李子涵'");
  const course = await one("SELECT id FROM courses WHERE module = 'mh_education' AND 'primary' = ANY(stages) ORDER BY slug LIMIT 1");
  const lesson = (kind: string) => one('SELECT id FROM lessons WHERE course_id = $1 AND kind = $2 AND NOT retired ORDER BY position LIMIT 1', [course, kind]);
  const lessons = { article: await lesson('article'), audio: await lesson('audio'), video: await lesson('video') };
  // Upcoming sessions (open for sign-up, editable), not the report demo's past ones.
  const event = await one('SELECT id FROM events WHERE station_id IS NOT NULL AND starts_at > now() ORDER BY starts_at LIMIT 1');
  const schoolEvent = await one('SELECT id FROM events WHERE school_id = $1 AND starts_at > now() ORDER BY starts_at LIMIT 1', [school]);
  const city = await one("SELECT id FROM regions WHERE name = '太原市'");
  const station = await one("SELECT id FROM stations WHERE name = '坞城街道家庭教育指导服务站'");
  // A finished course with its certificate (as xq_complete_course would leave it), on a course other than the one audited in progress.
  const certificate = 'XQAB-CDEF-GH23';
  const done = await one("SELECT id FROM courses WHERE module = 'parent_child' AND 'junior' = ANY(stages) ORDER BY slug LIMIT 1");
  const parent = await one("SELECT id FROM users WHERE display_name = '张敏'");
  await db.query('INSERT INTO enrollments (user_id, course_id, completed_at) VALUES ($1, $2, now())', [parent, done]);
  await db.query('INSERT INTO certificates (code, user_id, course_id, display_name, course_title, module) SELECT $1, $2, c.id, $3, c.title, c.module FROM courses c WHERE c.id = $4', [certificate, parent, '张敏', done]);
  const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
  const created = await api<{ id: string }>('POST', '/api/notices', await token('psychologist'), {
    studentId: pupil, level: 'grade',
    observed: '近两周李子涵在课堂上多次独自流泪，午休时常一个人待在教室，作业完成情况明显下降。',
    recommendation: '建议本周内带孩子到专科门诊做一次评估，并与班主任保持联系。',
    institutions: [{ name: '太原市精神卫生绿色通道定点医院（演示）', phone: '0351-0000301', address: '太原市小店区示例路 1 号' }],
    meetingSlots: [inDays(2), inDays(3)], meetingPlace: '心理辅导室（行政楼二层）', contactName: '王静老师', contactPhone: '0351-0000101',
  });
  await api('POST', `/api/notices/${created.id}/approve`, await token('leader'), {});
  // She has started the course whose outline, lessons and quiz are audited.
  await api('POST', `/api/courses/${course}/enroll`, await token('parent'), {});
  return { school, pupil, course, quizCourse: course, lessons, certificate, event, schoolEvent, notice: created.id, city, station };
}

/** Requests to /api/ still in flight on a page. */
function trackApi(page: Page): Set<unknown> {
  const inflight = new Set<unknown>();
  page.on('request', (r) => { if (r.url().includes('/api/')) inflight.add(r); });
  page.on('requestfinished', (r) => inflight.delete(r));
  page.on('requestfailed', (r) => inflight.delete(r));
  return inflight;
}

/** In the page: a visible page root, and no loading state, skeleton or busy region on screen. */
const READY = `(() => {
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility === 'visible';
  const root = Array.from(document.querySelectorAll('.xq-page')).some(shown);
  const busy = Array.from(document.querySelectorAll('.xq-state--loading, [class*="skeleton"], [aria-busy="true"]')).some(shown);
  return root && !busy;
})()`;

/** Waits until the page has loaded its data: ready twice in a row with no /api request in flight. */
async function settle(page: Page, inflight: Set<unknown>, timeoutMs = 15_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  let calm = 0;
  while (Date.now() < end) {
    const ready = inflight.size === 0 && (await page.evaluate(READY));
    calm = ready ? calm + 1 : 0;
    if (calm >= 2) return true;
    await page.waitForTimeout(120);
  }
  return false;
}

/** Scrolls the page on screen (Taro's page container, or the document) to its end and back, letting lazy content load. */
const SCROLL_THROUGH = `(async () => {
  const pages = Array.from(document.querySelectorAll('.taro_page')).filter((p) => p.getClientRects().length > 0);
  const boxes = [...pages, document.scrollingElement].filter(Boolean);
  for (const box of boxes) {
    let last = -1;
    for (let i = 0; i < 60 && box.scrollTop !== last; i++) {
      last = box.scrollTop;
      box.scrollTop = last + Math.max(200, box.clientHeight * 0.9);
      await new Promise((r) => setTimeout(r, 60));
    }
  }
  return boxes.map((b) => b.scrollHeight);
})()`;
const SCROLL_TOP = `(() => { for (const b of [...document.querySelectorAll('.taro_page'), document.scrollingElement]) if (b) b.scrollTop = 0; })()`;

let loads = 0;
/** Opens a page with a full load (so the app reads 大字模式 at start), waits for its data, scrolls it through, measures it. */
async function audit(page: Page, inflight: Set<unknown>, visit: Visit, role: string, mode: Row['mode'], shots: boolean): Promise<Row> {
  const query = visit.query ? `?${visit.query()}` : '';
  await page.goto(`${app.url()}/?load=${++loads}#/${visit.path}${query}`);
  const problems: string[] = [];
  if (!(await settle(page, inflight))) problems.push('数据未加载完（15 秒内仍在加载或没有页面）');
  await page.evaluate(SCROLL_THROUGH);
  if (!(await settle(page, inflight, 5000))) problems.push('滚动后仍在加载');
  await page.evaluate(SCROLL_TOP);
  const result = (await page.evaluate(probeScript())) as ProbeResult;
  if (!result.hasPage) problems.push('没有可见的页面（.xq-page）');
  if (result.errorState) problems.push(`显示错误状态：${result.errorState}`);
  if (result.texts < 3 || result.chars < 10) problems.push(`几乎没有文字（${result.texts} 处，${result.chars} 字）`);
  if (mode === '大字' && !result.large) problems.push('大字模式：页面根元素没有 xq-large');
  if (visit.shot && shots) await shot(page, `a11y-${visit.shot}${mode === '大字' ? '-large' : ''}`);
  return { page: visit.name, path: visit.path, role, mode, result, problems };
}

const pad = (s: string | number, n: number) => {
  const str = String(s);
  const width = Array.from(str).reduce((w, ch) => w + (/[\u1100-\uffff]/.test(ch) ? 2 : 1), 0);
  return str + ' '.repeat(Math.max(0, n - width));
};

/** The table and the worst examples of each row. */
function report(rows: Row[]): string {
  const lines = [`${pad('页面', 18)}${pad('角色', 10)}${pad('模式', 6)}${pad('目标', 6)}${pad('<44', 6)}${pad('文字', 6)}${pad('字小', 6)}${pad('对比', 6)}问题`];
  for (const r of rows) {
    const x = r.result;
    lines.push(`${pad(r.page, 18)}${pad(r.role, 10)}${pad(r.mode, 6)}${pad(x.targets, 6)}${pad(x.tap.length, 6)}${pad(x.texts, 6)}${pad(x.text.length, 6)}${pad(x.contrast.length, 6)}${r.problems.join('；')}`);
  }
  const sum = (f: (r: Row) => number) => rows.reduce((n, r) => n + f(r), 0);
  lines.push(`合计 ${rows.length} 次页面：目标 ${sum((r) => r.result.targets)}，<44×44 ${sum((r) => r.result.tap.length)}；文字 ${sum((r) => r.result.texts)}，字号不足 ${sum((r) => r.result.text.length)}；对比度不足 ${sum((r) => r.result.contrast.length)}`);
  return lines.join('\n');
}

/** Every violation of one row, worst first. */
function details(r: Row, limit = Infinity): string[] {
  const x = r.result;
  const head = `${r.page} · ${r.role} · ${r.mode}`;
  const tap = [...x.tap].sort((a, b) => Math.min(a.width, a.height) - Math.min(b.width, b.height)).slice(0, limit)
    .map((t) => `  目标 ${t.width}×${t.height}${t.disabled ? '（禁用）' : ''} ${t.what}`);
  const text = [...x.text].sort((a, b) => a.size - b.size).slice(0, limit).map((t) => `  字号 ${t.size}px < ${t.min}${t.body ? '（正文）' : ''} "${t.text}"`);
  const contrast = [...x.contrast].sort((a, b) => a.ratio - b.ratio).slice(0, limit)
    .map((c) => `  对比 ${c.ratio}:1 < ${c.min} ${c.fg} on ${c.bg} ${c.size}px${c.disabled ? '（禁用）' : ''} "${c.text}"`);
  return tap.length + text.length + contrast.length ? [head, ...tap, ...text, ...contrast] : [];
}

describe('issue 14: tap targets, type size and contrast on every page', () => {
  test('contrast maths: WCAG luminance and ratios, compositing, colour parsing', () => {
    const white: Rgba = [255, 255, 255, 1];
    const hexColour = (h: string) => parseColor(h) as Rgba;
    expect(contrastRatio(hexColour('#777'), white)).toBeCloseTo(4.48, 2);
    expect(contrastRatio(hexColour('#767676'), white)).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio([0, 0, 0, 1], white)).toBeCloseTo(21, 5);
    expect(contrastRatio(white, white)).toBe(1);
    // WebAIM's contrast checker: #999 on white 2.85:1, pure blue 8.59:1.
    expect(contrastRatio(hexColour('#999999'), white)).toBeCloseTo(2.85, 2);
    expect(contrastRatio(hexColour('#00f'), white)).toBeCloseTo(8.59, 2);
    // Half-transparent black over white is mid grey (#808080 → 3.95:1 with white).
    const grey = over([0, 0, 0, 0.5], white);
    expect(grey.map(Math.round)).toEqual([128, 128, 128, 1]);
    expect(contrastRatio(grey, white)).toBeCloseTo(3.95, 1);
    expect(parseColor('rgba(255, 173, 190, 0.5)')).toEqual([255, 173, 190, 0.5]);
    expect(parseColor('rgb(46 139 122 / 50%)')).toEqual([46, 139, 122, 0.5]);
    expect(parseColor('transparent')).toEqual([0, 0, 0, 0]);
    expect(gradientColors('linear-gradient(135deg, rgb(46, 139, 122) 0%, rgba(255, 255, 255, 0.8) 100%)')).toEqual([[46, 139, 122, 1], [255, 255, 255, 0.8]]);
    expect(gradientColors('url("a.png")')).toEqual([]);
  });

  test('the probe on a page made to measure: it finds exactly the planted faults and nothing else', async () => {
    const page = await app.page();
    await page.setContent(`<!doctype html><html><body style="margin:0;font-family:sans-serif">
      <div class="xq-page" style="padding:8px;background:#fff">
        <div id="card" style="width:300px;height:80px;font-size:16px;color:#222">整张卡片可以点 <span style="display:inline-block;width:20px;height:20px">›</span></div>
        <div id="small" style="width:30px;height:30px;font-size:16px;color:#222">×</div>
        <div id="wide" style="width:200px;height:44px;font-size:16px;color:#222">够大的按钮</div>
        <div id="grown" style="position:relative;width:24px;height:24px;font-size:16px;color:#222">+<style>#grown::after{content:'';position:absolute;top:-10px;left:-10px;right:-10px;bottom:-10px}</style></div>
        <div id="pressed" style="position:relative;width:100px;height:30px;font-size:16px;color:#222">按下有遮罩<style>#pressed::before{content:' ';position:absolute;top:50%;left:50%;width:100%;height:100%;transform:translate(-50%,-50%);opacity:0}</style></div>
        <div id="frame" style="width:300px;height:50px"><input style="height:20px;width:200px" /></div>
        <input id="box" style="height:21px;font-size:16px;color:#222" placeholder="搜索课程名称" /><style>#box::placeholder{color:#555}</style>
        <p style="font-size:12px;color:#222">小字</p>
        <p style="font-size:14px;color:#222">这是一段超过十六个汉字的正文说明文字用于检查正文字号</p>
        <p style="font-size:16px;color:#777">灰色的字</p>
        <p style="font-size:20px;color:#888">大号的灰字够三比一</p>
        <div style="background:linear-gradient(#000, #fff);padding:4px"><span style="font-size:16px;color:#fff">渐变上的白字</span></div>
        <div style="position:relative;height:20px;width:40px;margin-top:30px;background:#2e8b7a"><span style="position:absolute;bottom:100%;left:0;font-size:16px;color:#222">柱上</span></div>
        <div style="opacity:0.4"><span style="font-size:16px;color:#000">半透明的黑字</span></div>
        <div style="display:none"><span style="font-size:8px;color:#eee">看不见的字</span></div>
        <div aria-hidden="true" style="pointer-events:none;position:absolute;top:0;left:0"><span style="font-size:10px;color:#eee">水印 张敏</span></div>
        <div style="height:0;overflow:hidden"><span style="font-size:8px;color:#eee">被裁掉的字</span></div>
        <div style="height:120px;overflow:hidden"><div style="height:100px;overflow:auto"><div style="height:300px"></div><p style="font-size:12px;color:#222">滚到下面才看到</p></div></div>
      </div></body></html>`);
    await page.evaluate(LISTENER_HOOK);
    await page.evaluate(() => {
      const on = (id: string) => document.getElementById(id)?.addEventListener('click', () => undefined);
      ['card', 'small', 'wide', 'grown', 'pressed', 'frame'].forEach(on);
      // The chevron inside the card does the card's tap: not a separate target.
    });
    const r = (await page.evaluate(probeScript())) as ProbeResult;
    expect(r.tap.map((t) => [t.what.split(' ')[0], t.width, t.height])).toEqual([['div', 30, 30], ['div', 100, 30], ['input', expect.any(Number), expect.any(Number)]]);
    // card, small, wide, grown, pressed, the frame (its text box is its own part) and the search box.
    expect(r.targets).toBe(7);
    expect(r.text.map((t) => [t.text, t.min])).toEqual([['小字', 13], ['这是一段超过十六个汉字的正文说明文字用于检查正文字号', 15], ['滚到下面才看到', 13]]);
    expect(r.contrast.map((c) => [c.text, c.ratio])).toEqual([['灰色的字', 4.48], ['渐变上的白字', 1], ['半透明的黑字', expect.any(Number)]]);
    expect(r.contrast[2]!.ratio).toBeLessThan(3);
    expect(r.texts).toBe(15);
    await page.context().close();
  });

  test('every page, as every role that reaches it, in normal and 大字模式: no tap target under 44×44, no text under 13/15 px, no contrast under 4.5:1 (3:1 from 18 px)', async () => {
    const started = Date.now();
    fx = await makeFixture();
    const audited = new Set(ROLES.flatMap((r) => r.visits.map((x) => x.path)));
    expect(configuredPages().filter((p) => !audited.has(p))).toEqual([]);
    expect(configuredPages().length).toBeGreaterThanOrEqual(29);
    const wanted = (role: string, visit: Visit) => !ONLY.length || ONLY.some((o) => role.includes(o) || visit.name.includes(o) || visit.path.includes(o));
    if (ONLY.length) process.stdout.write(`XQ_A11Y_ONLY=${ONLY.join(',')}: only the matching pages are audited, not all of app.config.ts\n`);

    const rows: Row[] = [];
    for (const { role, login, shots = false, visits: all } of ROLES) {
      const visits = all.filter((x) => wanted(role, x));
      if (!visits.length) continue;
      const page = await app.page();
      await page.context().addInitScript(LISTENER_HOOK);
      const inflight = trackApi(page);
      await page.goto(`${app.url()}/#/pages/me/index`);
      if (login) await loginFromMe(page, login);
      for (const mode of ['常规', '大字'] as const) {
        await page.evaluate(([key, on]) => (on ? localStorage.setItem(key, '{"data":true}') : localStorage.removeItem(key)), [LARGE_KEY, mode === '大字'] as const);
        for (const visit of visits) {
          const row = await audit(page, inflight, visit, role, mode, shots);
          // One more load when a page shows its error state: on this shared machine a slow answer can time out.
          rows.push(row.result.errorState ? await audit(page, inflight, visit, role, mode, shots) : row);
        }
      }
      await page.context().close();
    }
    const seconds = Math.round((Date.now() - started) / 1000);

    const table = report(rows);
    const full = rows.flatMap((r) => details(r));
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, 'a11y-audit.txt'), `${table}\n\n${full.join('\n')}\n`);
    fs.writeFileSync(path.join(ARTIFACTS, 'a11y-audit.json'), JSON.stringify(rows, null, 1));
    process.stdout.write(`\n${table}\n（${rows.length} 次页面，${seconds} 秒；全部违规见 tests/artifacts/a11y-audit.txt）\n`);

    // The detector cannot pass on empty pages: every page rendered its content, and the totals are those of a real app.
    const broken = rows.filter((r) => r.problems.length).map((r) => `${r.page} · ${r.role} · ${r.mode}: ${r.problems.join('；')}`);
    const totals = { targets: rows.reduce((n, r) => n + r.result.targets, 0), texts: rows.reduce((n, r) => n + r.result.texts, 0) };
    expect(totals.targets).toBeGreaterThan(rows.length * 4);
    expect(totals.texts).toBeGreaterThan(rows.length * 10);
    const count = rows.reduce((n, r) => n + r.result.tap.length + r.result.text.length + r.result.contrast.length, 0);
    if (broken.length || count) {
      const worst = rows.flatMap((r) => details(r, 3));
      throw new Error([
        broken.length ? `页面没有正常显示：\n${broken.join('\n')}` : '',
        count ? `${count} 处违规（每页最差的 3 处；全部见 tests/artifacts/a11y-audit.txt）：\n${worst.join('\n')}` : '',
      ].filter(Boolean).join('\n\n'));
    }
  }, 600_000);
});
