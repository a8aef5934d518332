// The knowledge base in a real browser: the list grouped by block, an article, a Dutch search and the editor each
// pass axe-core and work by keyboard, on the demo's own articles.

import assert from 'node:assert/strict';
import { expectNoAxeViolations } from '../support/browser.mjs';
import { setup } from '../support/harness.mjs';
import { expectKeyboardReachable } from '../support/keyboard.mjs';
import { ACCOUNTS } from '../support/server.mjs';
import { signIn } from '../support/sign_in.mjs';

const app = setup('kennisbank');

const DIGID = '/kennisbank/digid-aansluiten-inloggen-voor-burgers';
const DIGID_TITLE = 'DigiD aansluiten: inloggen voor burgers';

/** Presses Tab until the element matching `locator` has focus, then Enter. */
async function activateByKeyboard(page, locator) {
  const handle = await locator.elementHandle();
  for (let i = 0; i < 200; i += 1) {
    await page.keyboard.press('Tab');
    if (await handle.evaluate((el) => el === document.activeElement)) {
      await page.keyboard.press('Enter');
      return;
    }
  }
  assert.fail(`${locator} was not reached with Tab`);
}

app.test('the list shows the demo articles grouped by block, passes axe-core and works by keyboard', async (page) => {
  await page.goto(app.url('/kennisbank'));
  assert.equal(await page.locator('h1').innerText(), 'Kennisbank');
  await page.getByRole('heading', { name: 'DigiD Burger' }).waitFor();
  await page.getByRole('heading', { name: 'eHerkenning' }).waitFor();
  const articles = await page.locator('main .article-list a').evaluateAll((links) => new Set(links.map((a) => a.pathname)).size);
  assert.equal(articles, 5, 'the five demo articles');
  await expectNoAxeViolations(page);
  await expectKeyboardReachable(page);
});

app.test('a search typed by keyboard finds other forms of a word, best first, and odd input is no error', async (page) => {
  await page.goto(app.url('/kennisbank'));
  await page.getByLabel('Zoeken in de kennisbank').focus();
  await page.keyboard.type('aansluiting');
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.searchParams.get('zoek') === 'aansluiting');
  assert.equal(await page.locator('main .article-list a').first().innerText(), DIGID_TITLE, 'the title hit comes first');
  assert.match(await page.getByRole('status').first().innerText(), /artikelen gevonden voor ‘aansluiting’/);
  await expectNoAxeViolations(page);
  await expectKeyboardReachable(page);

  const odd = await page.goto(app.url(`/kennisbank?zoek=${encodeURIComponent('"*:&|!() NEAR 🙂 digid')}`));
  assert.equal(odd.status(), 200);
  assert.equal(await page.locator('main .article-list a').first().innerText(), DIGID_TITLE);
  const nothing = await page.goto(app.url(`/kennisbank?zoek=${encodeURIComponent('!?*'.repeat(100))}`));
  assert.equal(nothing.status(), 200);
  await page.getByText('Geen artikelen gevonden').waitFor();
  await expectNoAxeViolations(page);
});

app.test('an article links its blocks, whose pages link back, and passes axe-core', async (page) => {
  const response = await page.goto(app.url(DIGID));
  assert.equal(response.status(), 200);
  assert.equal(await page.locator('h1').innerText(), DIGID_TITLE);
  await page.getByRole('heading', { name: 'Waarom DigiD', level: 2 }).waitFor();
  await expectNoAxeViolations(page);
  await expectKeyboardReachable(page);

  await activateByKeyboard(page, page.locator('main').getByRole('link', { name: 'DigiD Burger' }));
  await page.waitForURL((url) => url.pathname === '/bouwstenen/digid');
  const section = page.locator('section[aria-labelledby="kennisbank"]');
  await section.getByRole('link', { name: DIGID_TITLE }).waitFor();
});

app.test('an admin edits an article by keyboard, in an editor that passes axe-core also when it refuses', async (page) => {
  await signIn(app, page, ACCOUNTS.admin);
  await page.goto(app.url('/beheer/kennisbank'));
  await page.getByRole('rowheader', { name: DIGID_TITLE }).waitFor();
  await expectNoAxeViolations(page);

  await page.goto(app.url(DIGID));
  await activateByKeyboard(page, page.getByRole('link', { name: 'Dit artikel bewerken' }));
  await page.waitForURL((url) => url.pathname === `/beheer${DIGID}/bewerken`);
  assert.equal(await page.getByLabel('Titel').inputValue(), DIGID_TITLE);
  await expectNoAxeViolations(page);
  await expectKeyboardReachable(page);

  await page.getByLabel('Tekst').focus();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\n\nAangevuld met het toetsenbord.');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.pathname === DIGID, { waitUntil: 'commit' });
  await page.getByText('Aangevuld met het toetsenbord.').waitFor();
  assert.match(await page.locator('main dl').innerText(), /versie 2/);

  await page.goto(app.url('/beheer/kennisbank/nieuw'));
  await page.getByLabel('Titel').focus();
  await page.keyboard.type('Digimelding');
  await page.getByLabel('Bouwstenen').focus();
  await page.keyboard.type('digimelding, zwembad');
  await page.getByLabel('Tekst').focus();
  await page.keyboard.type('Terugmelden is een wettelijke plicht.');
  await page.getByLabel('Bouwstenen').focus();
  await page.keyboard.press('Enter');
  await page.getByRole('alert').getByText('‘zwembad’').waitFor();
  assert.equal(await page.getByLabel('Tekst').inputValue(), 'Terugmelden is een wettelijke plicht.', 'the typed text is kept');
  await expectNoAxeViolations(page);
});
