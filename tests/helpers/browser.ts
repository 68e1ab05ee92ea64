/** Debian's Chromium driven by playwright-core (never a downloaded browser), with the flags this machine needs. */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts');

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--autoplay-policy=no-user-gesture-required', '--mute-audio',
];

/** Launches headless Chromium. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium fonts-wqy-microhei`);
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}

/** Opens a phone-sized page (China's locale and time zone, as the app's users have) in a fresh context that records uncaught page errors; close its context when done (a page left open in the background stops getting animation frames in the next one). */
export async function phonePage(browser: Browser, errors: string[]): Promise<Page> {
  await Promise.all(browser.contexts().map((c) => c.close()));
  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(err.message));
  return page;
}

/** Saves a screenshot under tests/artifacts once page transitions have finished, and returns its path. */
export async function shot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page
    .waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity), undefined, { timeout: 3000 })
    .catch(() => undefined);
  await page.waitForTimeout(400);
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** From the logged-out 我的 page: open the login page, pick a demo identity, and come back to 我的. */
export async function loginFromMe(page: Page, name: string, screenshot?: string): Promise<void> {
  await page.locator('.xq-btn:visible', { hasText: '去登录' }).click();
  await page.getByText(name, { exact: true }).waitFor();
  if (screenshot) await shot(page, screenshot);
  await page.getByText(name, { exact: true }).click();
  await page.waitForFunction(() => location.hash.includes('pages/me/index') && !document.querySelector('.xq-login'));
}

/** Calls the API from the page with the page's own session token (what the app itself would send). */
export async function apiFromPage<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (p) => {
    const raw = localStorage.getItem('xq_token');
    const token = raw ? (JSON.parse(raw) as { data: string }).data : '';
    const res = await fetch(p, { headers: { authorization: `Bearer ${token}` } });
    return (await res.json()) as T;
  }, path);
}
