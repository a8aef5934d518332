// Signing in and out in a real browser, by keyboard: each role lands on its start page, the pages of the signed-in
// and of the monitor team pass axe-core, and after signing out the team's pages ask to sign in again.

import assert from 'node:assert/strict';
import { expectNoAxeViolations } from '../support/browser.mjs';
import { setup } from '../support/harness.mjs';
import { expectKeyboardReachable, tabTo } from '../support/keyboard.mjs';
import { ACCOUNTS } from '../support/server.mjs';
import { SECOND_STEP, giveCode, setUpApp, signIn, signInWithPassword, typeCode } from '../support/sign_in.mjs';

const app = setup('accounts');

app.test('the sign-in page passes axe-core, also when it shows an error', async (page) => {
  await page.goto(app.url('/inloggen'));
  assert.equal(await page.locator('h1').innerText(), 'Inloggen');
  await expectNoAxeViolations(page);

  await page.getByLabel('E-mailadres').fill(ACCOUNTS.admin.email);
  await page.getByLabel('Wachtwoord').fill('een verkeerd wachtwoord');
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.getByRole('alert').getByText('Het e-mailadres of het wachtwoord klopt niet.').waitFor();
  assert.equal(await page.getByLabel('E-mailadres').inputValue(), ACCOUNTS.admin.email, 'the typed address is kept');
  await expectNoAxeViolations(page);
});

app.test('an admin signs in by keyboard, sees the admin pages and the audit log, and signs out', async (page) => {
  await signIn(app, page, ACCOUNTS.admin);
  assert.equal(new URL(page.url()).pathname, '/beheer');
  assert.equal(await page.locator('h1').innerText(), 'Beheer');
  await page.getByRole('rowheader', { name: ACCOUNTS.respondent.email }).waitFor();
  await expectNoAxeViolations(page);

  await page.getByRole('link', { name: 'Auditlog' }).click();
  await page.waitForURL((url) => url.pathname === '/beheer/audit');
  await page.getByRole('cell', { name: 'login', exact: true }).first().waitFor();
  await expectNoAxeViolations(page);

  await page.goto(app.url('/mijn'));
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Uitloggen' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.pathname === '/inloggen');
  await page.getByText('U bent uitgelogd.').waitFor();

  await page.goto(app.url('/beheer'));
  assert.equal(new URL(page.url()).pathname, '/inloggen', 'signed out, the admin pages ask to sign in');
  assert.equal(new URL(page.url()).searchParams.get('terug'), '/beheer');
});

app.test('a respondent lands on its own start page with its municipality', async (page) => {
  await signIn(app, page, ACCOUNTS.respondent);
  assert.equal(new URL(page.url()).pathname, '/mijn');
  await page.getByRole('link', { name: 'Amsterdam' }).waitFor();
  await expectNoAxeViolations(page);
  const response = await page.goto(app.url('/beheer'));
  assert.equal(response.status(), 403, 'a respondent has no access to the admin pages');
  await expectNoAxeViolations(page);
});

async function signOutByKeyboard(page) {
  await tabTo(page, page.getByRole('button', { name: 'Uitloggen' }));
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.pathname === '/inloggen');
}

app.test('staff set up two-step sign-in by keyboard, then sign in with a code and with a recovery code', async (page) => {
  await signInWithPassword(app, page, ACCOUNTS.analyst);
  assert.equal(new URL(page.url()).pathname, SECOND_STEP, 'the password alone does not sign staff in');
  await page.getByRole('heading', { name: 'Tweestapsverificatie instellen' }).waitFor();
  assert.equal(await page.locator('svg.qr-code').count(), 1, 'a QR code drawn on the server');
  await expectNoAxeViolations(page);

  await page.goto(app.url('/mijn'));
  assert.equal(new URL(page.url()).pathname, SECOND_STEP, 'nothing opens before the set-up');

  const key = await page.locator('#sleutel').innerText();
  await typeCode(page, 'Code uit de app', '000000');
  await page.getByRole('alert').getByText('Deze code klopt niet.', { exact: false }).waitFor();
  assert.equal(await page.locator('#sleutel').innerText(), key, 'the same key after a wrong code');
  await expectNoAxeViolations(page);

  const recoveryCodes = await setUpApp(app, page, ACCOUNTS.analyst.email);
  await expectNoAxeViolations(page);
  await tabTo(page, page.getByRole('link', { name: 'Verder' }));
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.pathname === '/mijn');
  await signOutByKeyboard(page);

  await signInWithPassword(app, page, ACCOUNTS.analyst);
  await page.getByRole('heading', { name: 'Code invullen' }).waitFor();
  await expectNoAxeViolations(page);
  await giveCode(app, page, ACCOUNTS.analyst.email);
  assert.equal(new URL(page.url()).pathname, '/mijn', 'signed in with a code from the app');
  await signOutByKeyboard(page);

  await signInWithPassword(app, page, ACCOUNTS.analyst);
  await typeCode(page, 'Code', recoveryCodes[0]);
  await page.waitForURL((url) => url.pathname === '/mijn');
  await signOutByKeyboard(page);
  await signInWithPassword(app, page, ACCOUNTS.analyst);
  await typeCode(page, 'Code', recoveryCodes[0]);
  await page.getByRole('alert').getByText('is al gebruikt', { exact: false }).waitFor();
});

app.test('an admin lists the accounts and adds one by keyboard; list and form pass axe-core, also when refused', async (page) => {
  await signIn(app, page, ACCOUNTS.admin);
  await page.goto(app.url('/beheer/gebruikers'));
  assert.equal(await page.locator('h1').innerText(), 'Accounts');
  await page.getByRole('rowheader', { name: ACCOUNTS.respondent.email }).waitFor();
  await expectNoAxeViolations(page);
  await expectKeyboardReachable(page);

  await page.getByRole('link', { name: 'Account toevoegen' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.pathname === '/beheer/gebruikers/nieuw');
  assert.equal(await page.locator('h1').innerText(), 'Account toevoegen');
  await expectNoAxeViolations(page);
  await expectKeyboardReachable(page);

  await page.getByLabel('E-mailadres').focus();
  await page.keyboard.type('nieuw@utrecht.nl');
  await page.keyboard.press('Tab');
  await page.keyboard.press('End'); // the last role in the list: respondent
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter'); // no municipality: refused
  await page.getByRole('alert').getByText('Een respondent antwoordt voor één gemeente', { exact: false }).waitFor();
  assert.equal(await page.getByLabel('E-mailadres').inputValue(), 'nieuw@utrecht.nl', 'what was typed is kept');
  await expectNoAxeViolations(page);

  await page.getByLabel('Gemeente (alleen voor een respondent)').focus();
  await page.keyboard.type('GM0344');
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => /^\/beheer\/gebruikers\/\d+$/.test(url.pathname));
  await page.getByRole('status').getByText('Het account is gemaakt.', { exact: false }).waitFor();
  await expectNoAxeViolations(page);
  await expectKeyboardReachable(page);
});
