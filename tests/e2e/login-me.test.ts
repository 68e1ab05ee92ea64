import { loginFromMe, shot } from '../helpers/browser';
import { h5Suite } from '../helpers/h5';

const app = h5Suite();

describe('the H5 build, served by the backend, in Chromium', () => {
  test('a newcomer picks the demo parent in the development login and sees their own 我的 page', async () => {
    const page = await app.page();
    await page.goto(`${app.url()}/`);
    await page.getByText('心理援助热线').first().waitFor();
    await shot(page, 'e2e-home-logged-out');

    await page.goto(`${app.url()}/#/pages/me/index`);
    await page.getByText('你还没有登录').waitFor();
    await loginFromMe(page, '张敏', 'e2e-dev-login');
    await page.getByText('李子涵').waitFor();
    await page.getByText('李子轩').waitFor();
    expect(await page.getByText('小店区育英小学').count()).toBeGreaterThan(0);
    expect(await page.getByText('已同意隐私保护指引').count()).toBe(1);
    const token = await page.evaluate(() => window.localStorage.getItem('xq_token'));
    expect(token).toBeTruthy();
    await shot(page, 'e2e-me-parent');
  });

  test('staff see their role and scope; the federation account sees no children', async () => {
    const page = await app.page();
    await page.goto(`${app.url()}/#/pages/me/index`);
    await loginFromMe(page, '刘芳');
    await page.getByText('妇联工作人员', { exact: false }).first().waitFor();
    expect(await page.getByText('太原市', { exact: false }).count()).toBeGreaterThan(0);
    await page.getByText('还没有绑定孩子').waitFor();
    await shot(page, 'e2e-me-federation');
  });

  test('a user who has not agreed to the privacy guide is asked to, agrees, and 我的 shows the agreed version', async () => {
    const page = await app.page();
    await page.goto(`${app.url()}/#/pages/me/index`);
    await loginFromMe(page, '新用户');
    await page.getByText('你还没有同意隐私保护指引，请阅读并同意').waitFor();
    await page.getByText('去查看').click();
    await page.getByText('我们收集哪些信息、为什么收集', { exact: true }).waitFor();
    await shot(page, 'e2e-privacy-guide');
    await page.locator('taro-button-core', { hasText: '同意并继续' }).click();
    await page.getByText('你已同意此版本').waitFor();
    await page.goto(`${app.url()}/#/pages/me/index`);
    await page.getByText('已同意隐私保护指引（2026.12', { exact: false }).waitFor();
  });
});
