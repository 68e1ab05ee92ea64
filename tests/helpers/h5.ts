/** The end-to-end harness: the backend serving the H5 build, and Chromium; pages opened through it fail on page errors. */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, phonePage } from './browser';
import { startTestServer, type TestServer } from './server';

const H5 = path.resolve(__dirname, '..', '..', 'dist', 'h5');

/** What a suite gets: the server's URL and a way to open a phone-sized page. */
export interface H5Suite {
  url(): string;
  server(): TestServer;
  page(): Promise<Page>;
}

/** Registers the suite's hooks: start the server with the H5 build and Chromium once; after each test, no page errors. */
export function h5Suite(opts: { clock?: () => Date } = {}): H5Suite {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  const errors: string[] = [];
  beforeAll(async () => {
    if (!fs.existsSync(path.join(H5, 'index.html'))) throw new Error('dist/h5 is missing: run `npm run build:h5` first (npm test does)');
    server = await startTestServer({ staticDir: H5, clock: opts.clock });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(() => {
    expect(errors).toEqual([]);
    errors.length = 0;
  });
  return {
    url: () => (server as TestServer).url,
    server: () => server as TestServer,
    page: () => phonePage(browser as Browser, errors),
  };
}
