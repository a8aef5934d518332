// The register of municipalities: search and filter by keyboard, as on a chosen date; mergers shown both ways.

import assert from 'node:assert/strict';
import { setup } from '../support/harness.mjs';
import { tabTo } from '../support/keyboard.mjs';

const app = setup('gemeenten');

/** The path a link leads to (resolving relative hrefs). */
const linkPath = (link) => link.evaluate((a) => new URL(a.href).pathname);

/** Text that labels a link: its own list item/row/paragraph, the table's headers, the nearest heading or term. */
const contextOf = (link) =>
  link.evaluate((el) => {
    const texts = [];
    const block = el.closest('li, p, dd, td, tr');
    if (block) texts.push(block.textContent);
    const table = el.closest('table');
    if (table) {
      for (const th of table.querySelectorAll('caption, th')) texts.push(th.textContent);
    }
    const previous = document.evaluate(
      'preceding::*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6 or self::dt or self::caption][1]',
      el,
      null,
      XPathResult.FIRST_ORDERED_NODE_TYPE,
      null,
    ).singleNodeValue;
    if (previous) texts.push(previous.textContent);
    return texts.map((t) => t.replace(/\s+/g, ' ').trim()).join(' | ');
  });

/**
 * The links named `name` in the main content: all must lead to `path`, and at least one must be presented as
 * matching `relation` (its list item, row, table headers or the nearest heading or term above it).
 */
async function expectRelatedLink(page, name, path, relation, what) {
  const links = page.locator('main a', { hasText: new RegExp(`^${name}$`) });
  const count = await links.count();
  assert.ok(count > 0, `no link to ${name} on the page`);
  const contexts = [];
  for (let i = 0; i < count; i += 1) {
    assert.equal(await linkPath(links.nth(i)), path, `a link named ${name} does not lead to ${path}`);
    contexts.push(await contextOf(links.nth(i)));
  }
  assert.ok(
    contexts.some((text) => relation.test(text)),
    `no link to ${name} is presented as ${what}; the links' context:\n  ${contexts.join('\n  ')}`,
  );
  return links.first();
}

app.test('search "amster" and province Noord-Holland by keyboard finds Amsterdam', async (page) => {
  await page.goto(app.url('/gemeenten'));

  const search = page.getByLabel('Zoek op naam of code');
  await tabTo(page, search);
  await page.keyboard.type('amster');

  const province = page.getByLabel('Provincie');
  await tabTo(page, province);
  await page.keyboard.type('Noord-Holland'); // a closed <select> selects by typing the option's name
  assert.equal(await province.inputValue(), 'PV27', 'typing "Noord-Holland" did not select that province');

  const form = page.locator('form', { has: search });
  const submit = form.locator('button:not([type]), button[type="submit"], input[type="submit"]').first();
  await tabTo(page, submit);
  await Promise.all([page.waitForURL((url) => url.search.includes('amster')), page.keyboard.press('Enter')]);

  const params = new URL(page.url()).searchParams;
  assert.ok([...params.values()].includes('amster'), `the URL does not carry the search: ${page.url()}`);
  assert.equal(params.get('provincie'), 'PV27', `the URL does not carry the province: ${page.url()}`);

  // The form shows what was asked.
  assert.equal(await page.getByLabel('Zoek op naam of code').inputValue(), 'amster');
  assert.equal(await page.getByLabel('Provincie').inputValue(), 'PV27');

  const amsterdam = page.locator('table a', { hasText: 'Amsterdam' });
  assert.equal(await amsterdam.count(), 1, 'the results table does not list Amsterdam once');
  assert.equal(await linkPath(amsterdam), '/gemeenten/GM0363');
  // Aalsmeer is in Noord-Holland but does not match "amster".
  assert.equal(await page.locator('table a', { hasText: 'Aalsmeer' }).count(), 0, 'the search did not filter');
});

app.test('with Peildatum 1 January 2011 the register counts 418 municipalities', async (page) => {
  await page.goto(app.url('/gemeenten'));

  const date = page.getByLabel('Peildatum');
  await tabTo(page, date);
  await date.fill('2011-01-01');
  await Promise.all([
    page.waitForURL((url) => url.searchParams.get('datum') === '2011-01-01'),
    page.keyboard.press('Enter'),
  ]);

  assert.equal(await page.getByLabel('Peildatum').inputValue(), '2011-01-01');
  await page.getByText(/\b418 gemeenten\b/).first().waitFor();
  assert.equal(await page.locator('table tbody tr').count(), 50, 'a page shows 50 municipalities');

  // Weesp existed then; it is on the eighth of the nine pages, reached by keyboard through the last one.
  const pagination = page.getByRole('navigation', { name: "Pagina's met gemeenten" });
  assert.match(await pagination.innerText(), /Pagina 1 van 9/);
  const last = pagination.getByRole('link', { name: /Laatste pagina/ });
  await tabTo(page, last);
  await Promise.all([page.waitForURL((url) => url.searchParams.get('pagina') === '9'), page.keyboard.press('Enter')]);
  assert.equal(new URL(page.url()).searchParams.get('datum'), '2011-01-01', 'the next page forgot the date');
  assert.equal(
    await page.getByRole('navigation', { name: "Pagina's met gemeenten" }).locator('[aria-current="page"]').innerText(),
    'Pagina 9',
  );
  const previous = page.getByRole('link', { name: 'Vorige pagina' });
  await tabTo(page, previous);
  await Promise.all([page.waitForURL((url) => url.searchParams.get('pagina') === '8'), page.keyboard.press('Enter')]);
  const weesp = page.locator('table a', { hasText: /^Weesp$/ });
  assert.equal(await weesp.count(), 1, 'Weesp is not listed on 2011-01-01');
});

app.test('on 1 January 2026 the register counts 342 municipalities, without Weesp', async (page) => {
  await page.goto(app.url('/gemeenten?datum=2026-01-01'));
  await page.getByText(/\b342 gemeenten\b/).first().waitFor();
  await page.goto(app.url('/gemeenten?datum=2026-01-01&zoek=weesp'));
  await page.getByText(/\b0 gemeenten\b/).first().waitFor();
  const weesp = page.locator('table a', { hasText: /^Weesp$/ });
  assert.equal(await weesp.count(), 0, 'Weesp is listed on 2026-01-01');
});

app.test('Weesp (GM0457) shows that it went into Amsterdam, with a link', async (page) => {
  const response = await page.goto(app.url('/gemeenten/GM0457'));
  assert.equal(response.status(), 200);
  assert.match(await page.locator('h1').innerText(), /Weesp/);

  const amsterdam = await expectRelatedLink(
    page,
    'Amsterdam',
    '/gemeenten/GM0363',
    /opvolger|opgegaan|samengevoegd|ging op in|overgegaan/i,
    'the successor',
  );
  assert.match(
    await page.locator('main').innerText(),
    /24 maart 2022|2022-03-24|24-03-2022/,
    'the date of the merger is not shown',
  );

  await amsterdam.press('Enter');
  await page.waitForURL((url) => url.pathname === '/gemeenten/GM0363');
  assert.match(await page.locator('h1').innerText(), /Amsterdam/);
});

app.test('Amsterdam (GM0363) lists Weesp among its predecessors', async (page) => {
  await page.goto(app.url('/gemeenten/GM0363'));
  assert.match(await page.locator('h1').innerText(), /Amsterdam/);

  await expectRelatedLink(page, 'Weesp', '/gemeenten/GM0457', /voorganger/i, 'a predecessor');
});
