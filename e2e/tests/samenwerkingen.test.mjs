// The register of collaborations in a real browser on the demo: the list with its network picture and the table
// beside it, one collaboration with its small map, and the monitor team's review page and entry form. Each passes
// axe-core and works by keyboard.

import assert from 'node:assert/strict';
import { expectNoAxeViolations } from '../support/browser.mjs';
import { setup } from '../support/harness.mjs';
import { tabTo, walkTabOrder } from '../support/keyboard.mjs';
import { ACCOUNTS } from '../support/server.mjs';
import { signIn } from '../support/sign_in.mjs';

const app = setup('samenwerkingen');

app.test('the list shows the network over the map and its table opens by keyboard', async (page) => {
  await page.goto(app.url('/samenwerkingen'));
  assert.equal(await page.locator('h1').innerText(), 'Samenwerkingen');
  await page.getByText('Gesimuleerde gegevens.').waitFor();
  const picture = page.locator('svg.network');
  assert.match(await picture.getAttribute('aria-label'), /^Netwerk van samenwerkende gemeenten: \d+ gemeenten, \d+ verbindingen$/);
  assert.ok((await picture.locator('line').count()) > 0, 'the network has lines');
  await expectNoAxeViolations(page);

  const { expected, reached } = await walkTabOrder(page);
  const missed = expected.filter((e) => !reached.includes(e.key)).map((e) => e.description);
  assert.deepEqual(missed, [], 'every link and control is reachable with Tab');

  await page.goto(app.url('/samenwerkingen'));
  const summary = page.getByText('Tabel: de partners van elke gemeente');
  await tabTo(page, summary, 400);
  await page.keyboard.press('Enter');
  const table = page.getByRole('table', { name: /Partners per gemeente/ });
  await table.waitFor();
  const rows = await table.locator('tbody tr').count();
  const nodes = await picture.locator('g.network__nodes circle').count();
  assert.equal(rows, nodes, 'the table has a row for every municipality in the picture');
  await expectNoAxeViolations(page);

});

app.test('a collaboration opens from the list by keyboard and shows its members on a map', async (page) => {
  await page.goto(app.url('/samenwerkingen?gebied=techniek'));
  const first = page.getByRole('table', { name: 'Samenwerkingen op naam' }).locator('tbody th a').first();
  const name = await first.innerText();
  await first.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => /^\/samenwerkingen\/\d+$/.test(url.pathname));
  assert.equal(await page.locator('h1').innerText(), `${name} gesimuleerd`);
  await page.getByText(/antwoord van .* in de meting ‘Vervolgmeting/).waitFor();
  const members = await page.locator('#leden + ul li').count();
  assert.ok(members >= 3 && members <= 8, `3 to 8 members, not ${members}`);
  assert.equal(await page.locator('svg.network g.network__nodes circle').count(), members);
  await expectNoAxeViolations(page);
});

app.test('the team reviews an answer and enters a collaboration by keyboard', async (page) => {
  await signIn(app, page, ACCOUNTS.admin);
  await page.goto(app.url('/beheer/samenwerkingen'));
  const heading = page.getByRole('heading', { name: /^Te beoordelen \(\d+\)$/ });
  const before = Number((await heading.innerText()).match(/\d+/)[0]);
  assert.ok(before > 0, 'the demo leaves answers to review');
  await expectNoAxeViolations(page);

  await tabTo(page, page.getByRole('button', { name: 'Afwijzen' }).first(), 400);
  await page.keyboard.press('Enter');
  await page.getByText('Het antwoord is afgewezen').waitFor();
  assert.equal(await page.getByRole('heading', { name: /^Te beoordelen/ }).innerText(), `Te beoordelen (${before - 1})`);
  await expectNoAxeViolations(page);

  await page.getByRole('link', { name: 'Nieuwe samenwerking invoeren' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.pathname === '/beheer/samenwerkingen/nieuw');
  await page.getByLabel('Naam').focus();
  await page.keyboard.type('Regio Zwolle');
  await page.keyboard.press('Tab');
  await page.keyboard.type('GM0193 GM9999');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space'); // Techniek
  await page.getByRole('button', { name: 'Opslaan' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('alert').getByText('Leden: GM9999 staat niet in het register.').waitFor();
  assert.equal(await page.getByLabel(/^Leden/).inputValue(), 'GM0193 GM9999', 'what was typed is kept');
  await expectNoAxeViolations(page);

  await page.getByLabel(/^Leden/).fill('GM0193 GM0166');
  await page.getByRole('button', { name: 'Opslaan' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => /^\/samenwerkingen\/\d+$/.test(url.pathname));
  assert.equal(await page.locator('h1').innerText(), 'Regio Zwolle');
  await page.getByText('ingevoerd door het monitorteam').waitFor();
});
