// Personal API tokens in a real browser: an analyst makes one by keyboard on /beheer/sleutels, sees it once with how
// to use it, and revokes it; the page passes axe-core before, with the new token shown, and after a refusal.

import assert from 'node:assert/strict';
import { expectNoAxeViolations } from '../support/browser.mjs';
import { setup } from '../support/harness.mjs';
import { expectKeyboardReachable, tabTo } from '../support/keyboard.mjs';
import { ACCOUNTS } from '../support/server.mjs';
import { signIn } from '../support/sign_in.mjs';

const app = setup('sleutels');

app.test('an analyst makes a token by keyboard, sees it once, and revokes it', async (page) => {
  await signIn(app, page, ACCOUNTS.analyst);
  await page.goto(app.url('/beheer/sleutels'));
  assert.equal(await page.locator('h1').innerText(), 'API-sleutels');
  await expectNoAxeViolations(page);
  await expectKeyboardReachable(page);

  // A refusal names the field.
  await page.getByLabel('Naam').fill(' ');
  await page.getByRole('button', { name: 'Sleutel maken' }).click();
  await page.getByRole('alert').waitFor();
  await expectNoAxeViolations(page);

  await page.getByLabel('Naam').fill('notebook');
  await page.getByLabel('Geldig (dagen)').fill('30');
  await tabTo(page, page.getByRole('button', { name: 'Sleutel maken' }));
  await page.keyboard.press('Enter');
  await page.getByText('Hij wordt niet opnieuw getoond').waitFor();
  const token = await page.getByLabel(/Uw sleutel/).inputValue();
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.match(await page.locator('pre code').innerText(), new RegExp(`Authorization: Bearer ${token}`));
  await expectNoAxeViolations(page);

  await tabTo(page, page.getByRole('button', { name: 'Sleutel notebook intrekken' }));
  await page.keyboard.press('Enter');
  await page.getByText('De sleutel is ingetrokken').waitFor();
  assert.equal(await page.getByRole('row', { name: /notebook/ }).getByRole('cell', { name: 'ingetrokken' }).count(), 1);
  assert.equal(await page.content().then((html) => html.includes(token)), false, 'the secret is not shown again');
  await expectNoAxeViolations(page);
});
