// The building-block catalogues: i-NUP 2011 with its 24 blocks, and the NUP 2008 reconstruction marked as such.

import assert from 'node:assert/strict';
import { setup } from '../support/harness.mjs';

const app = setup('bouwstenen');

/** The innermost section or article whose heading matches `name`. */
const sectionFor = (page, name) =>
  page
    .locator('main')
    .locator('section, article')
    .filter({ has: page.getByRole('heading', { name }) })
    .last();

/** The distinct building-block pages (/bouwstenen/{code}) a section links to. */
const blockLinks = (section) =>
  section.locator('a').evaluateAll((links) => [
    ...new Set(
      links
        .map((a) => new URL(a.href).pathname)
        .filter((path) => /^\/bouwstenen\/[^/]+$/.test(path)),
    ),
  ]);

app.test('/bouwstenen shows the i-NUP 2011 catalogue with its 24 building blocks', async (page) => {
  await page.goto(app.url('/bouwstenen'));
  const inup = sectionFor(page, /i-NUP 2011/);
  assert.equal(await inup.count(), 1, 'no section headed "i-NUP 2011"');
  assert.match(await inup.innerText(), /\b24 bouwstenen\b/, 'the i-NUP 2011 section does not say "24 bouwstenen"');
  const blocks = await blockLinks(inup);
  assert.equal(blocks.length, 24, `the i-NUP 2011 section links to ${blocks.length} blocks: ${blocks.join(', ')}`);
});

app.test('/bouwstenen shows the NUP 2008 catalogue, marked as a reconstruction', async (page) => {
  await page.goto(app.url('/bouwstenen'));
  const nup = sectionFor(page, /NUP 2008/);
  assert.equal(await nup.count(), 1, 'no section headed "NUP 2008"');
  const text = await nup.innerText();
  assert.match(text, /reconstructie/i, 'the NUP 2008 section is not marked as a reconstruction');
  assert.match(text, /\b18 bouwstenen\b/, 'the NUP 2008 section does not say "18 bouwstenen"');
  const blocks = await blockLinks(nup);
  assert.equal(blocks.length, 18, `the NUP 2008 section links to ${blocks.length} blocks: ${blocks.join(', ')}`);
});

app.test('a building block links to its own page: DigiD', async (page) => {
  await page.goto(app.url('/bouwstenen'));
  const digid = page.locator('main a', { hasText: /^DigiD$/ }).first();
  await digid.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.pathname === '/bouwstenen/digid');
  assert.match(await page.locator('h1').innerText(), /DigiD/);
});
