// One server and one browser per test file: `const app = setup('name')` at the top of a file starts both before
// its tests and stops both after them. `app.test(title, async (page) => ...)` runs a test in a fresh browser
// context; when it fails, a screenshot and the page's HTML are saved in e2e/test-results/.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser } from './browser.mjs';
import { RESULTS_DIR, startServer } from './server.mjs';

const TEST_TIMEOUT_MS = 90_000;
const ACTION_TIMEOUT_MS = 15_000;

export function setup(name) {
  let server = null;
  let browser = null;

  const app = {
    get baseURL() {
      return server.baseURL;
    },
    /** The absolute URL of a path on the server under test. */
    url(path) {
      return new URL(path, server.baseURL).href;
    },
    /** Like node:test's `test`, but hands the test a fresh page and saves a screenshot when it fails. */
    test(title, fn, options = {}) {
      return test(title, { timeout: TEST_TIMEOUT_MS, ...options }, async (t) => {
        const context = await browser.newContext({
          locale: 'nl-NL',
          viewport: { width: 1280, height: 900 },
        });
        const page = await context.newPage();
        page.setDefaultTimeout(ACTION_TIMEOUT_MS);
        page.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
        try {
          await fn(page, t);
        } catch (err) {
          const saved = await saveFailure(page, `${name} - ${title}`);
          if (saved) t.diagnostic(`saved ${saved}`);
          throw err;
        } finally {
          await context.close();
        }
      });
    },
  };

  before(
    async () => {
      server = await startServer(name);
      browser = await launchBrowser();
    },
    { timeout: 120_000 },
  );

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  return app;
}

async function saveFailure(page, title) {
  try {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const base = join(RESULTS_DIR, slug(title));
    await page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 10_000 });
    writeFileSync(`${base}.html`, `<!-- ${page.url()} -->\n${await page.content()}`);
    return `${base}.png (and .html) of ${page.url()}`;
  } catch {
    return null;
  }
}

function slug(text) {
  return text
    .normalize('NFKD')
    .replace(/[^\w-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 120);
}
