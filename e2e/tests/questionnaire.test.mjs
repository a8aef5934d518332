// The respondent's questionnaire in a real browser, by keyboard: from the start page to each page, a mistake shown
// beside its field and in the summary at the top, the overview, and the submission. Every page passes axe-core,
// also while it shows errors. Then the monitor team's fieldwork pages.

import assert from 'node:assert/strict';
import { expectNoAxeViolations } from '../support/browser.mjs';
import { setup } from '../support/harness.mjs';
import { tabTo } from '../support/keyboard.mjs';
import { ACCOUNTS, OPEN_WAVE } from '../support/server.mjs';
import { signIn } from '../support/sign_in.mjs';

const app = setup('questionnaire');
const BASE = `/invullen/${OPEN_WAVE.id}/GM0363`;

/** Presses a button of the form by keyboard: tab to it, then Enter, and wait for the next page. */
async function pressButton(page, name) {
  const button = page.getByRole('button', { name, exact: true });
  await button.focus();
  await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
}

/** Checks a radio button or check box by keyboard: focus it and press Space. */
async function tick(page, label) {
  await page.getByLabel(label, { exact: true }).first().focus();
  await page.keyboard.press('Space');
}

app.test('a respondent answers page by page by keyboard, fixes a mistake, and submits', async (page) => {
  await signIn(app, page, ACCOUNTS.respondent);
  await page.getByRole('link', { name: OPEN_WAVE.title }).click();
  await page.waitForURL((url) => url.pathname === BASE);
  await page.getByText('Nog niet begonnen.').waitFor();
  await expectNoAxeViolations(page);

  const start = page.getByRole('link', { name: 'Vragenlijst invullen' });
  await tabTo(page, start);
  await Promise.all([page.waitForURL((url) => url.pathname === `${BASE}/pagina/thema`), page.keyboard.press('Enter')]);
  await expectNoAxeViolations(page);

  // Next without an answer: the page says what to fix, beside the question and in a summary that links to it.
  await pressButton(page, 'Bewaren en volgende pagina');
  const summary = page.getByRole('alert');
  await summary.getByText('Er is 1 antwoord dat u nog moet verbeteren').waitFor();
  await page.locator('#fout-leading_theme').getByText('Kies een antwoord').waitFor();
  await expectNoAxeViolations(page);
  await summary.getByRole('link').first().click();
  assert.equal(await page.evaluate(() => location.hash), '#v-leading_theme-dienstverlening', 'the error links to the field');

  await tick(page, 'Dienstverlening aan burgers en bedrijven');
  await pressButton(page, 'Bewaren en volgende pagina');
  await page.waitForURL((url) => url.pathname === `${BASE}/pagina/bouwstenen`);
  await expectNoAxeViolations(page);

  // Every block a status, chosen by keyboard in its own group.
  const groups = page.locator('fieldset.matrix-row');
  const count = await groups.count();
  assert.equal(count, 18, 'the 18 blocks of the NUP catalogue');
  for (let i = 0; i < count; i += 1) {
    const status = i < 7 ? 'In gebruik' : 'Gepland';
    await groups.nth(i).getByLabel(status, { exact: true }).focus();
    await page.keyboard.press('Space');
  }
  await pressButton(page, 'Bewaren en volgende pagina');
  await page.waitForURL((url) => url.pathname === `${BASE}/pagina/ondersteuning`);
  await expectNoAxeViolations(page);
  await tick(page, 'Ja');
  await pressButton(page, 'Bewaren en volgende pagina');

  await page.waitForURL((url) => url.pathname === `${BASE}/pagina/samenwerking`);
  await page.locator('fieldset#vraag-collaborates').getByLabel('Nee', { exact: true }).focus();
  await page.keyboard.press('Space');
  await page.locator('fieldset#vraag-future_collaboration').getByLabel('Nee', { exact: true }).focus();
  await page.keyboard.press('Space');
  await page.locator('#v-ict_staff').fill('twaalf');
  await pressButton(page, 'Bewaren en volgende pagina');
  await page.getByRole('alert').waitFor();
  assert.equal(await page.locator('#v-ict_staff').inputValue(), 'twaalf', 'what was typed is still there');
  assert.equal(await page.locator('#v-ict_staff').getAttribute('aria-invalid'), 'true');
  await expectNoAxeViolations(page);
  await page.locator('#v-ict_staff').fill('12');
  await pressButton(page, 'Bewaren en volgende pagina');

  await page.waitForURL((url) => url.pathname === `${BASE}/pagina/contact`);
  await page.locator('#v-contact_name').fill('A. de Vries');
  await page.locator('#v-contact_email').fill('a.devries@amsterdam.nl');
  await pressButton(page, 'Bewaren en naar het overzicht');
  await page.waitForURL((url) => url.pathname === BASE);
  await page.getByRole('table', { name: 'Bouwstenen: status en ondersteuning' }).waitFor();
  await expectNoAxeViolations(page);

  await pressButton(page, 'Antwoorden indienen');
  await page.getByText('Uw antwoorden zijn ontvangen op').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Antwoorden indienen' }).count(), 0, 'read-only after submission');
  await expectNoAxeViolations(page);
});

app.test('the monitor team follows the fieldwork and an interviewer records an interview', async (page) => {
  await signIn(app, page, ACCOUNTS.admin);
  await page.goto(app.url('/beheer/metingen'));
  await page.getByRole('link', { name: OPEN_WAVE.title }).waitFor();
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name: OPEN_WAVE.title }).click();
  await page.getByRole('table', { name: 'Respons per provincie' }).waitFor();
  await expectNoAxeViolations(page);

  // The invitations are queued at once; their job's page reloads itself (no script) until the server sent them.
  await pressButton(page, 'Uitnodigingen versturen');
  await page.waitForURL((url) => new RegExp(`^/beheer/metingen/${OPEN_WAVE.id}/brieven/\\d+$`).test(url.pathname));
  await page.getByRole('heading', { name: /^Verzending \d+: uitnodigingen$/ }).waitFor();
  // Checked once done: a check while the page may reload under it would test the timing, not the page.
  await page.getByText('Klaar sinds').waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('dt:has-text("Verstuurd") + dd').innerText(), '2', 'Utrecht and Rotterdam');
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name: OPEN_WAVE.title }).click();
  await page.getByRole('link', { name: /^Verzending \d+$/ }).waitFor();

  const interviewer = await page.context().browser().newContext({ locale: 'nl-NL' });
  const other = await interviewer.newPage();
  try {
    await signIn(app, other, ACCOUNTS.interviewer);
    await other.goto(app.url(`/invullen/${OPEN_WAVE.id}/GM0344`));
    await other.getByRole('heading', { name: 'Interview' }).waitFor();
    await expectNoAxeViolations(other);
    await other.getByLabel('Datum van het interview').fill('2026-11-02');
    await other.getByLabel('Geïnterviewden (naam en functie)').fill('J. Jansen, e-coördinator');
    await other.getByRole('button', { name: 'Interview vastleggen' }).click();
    await other.getByText('De gegevens van het interview zijn bewaard.').waitFor();
    await other.getByRole('link', { name: 'Vragenlijst invullen' }).waitFor();
    await expectNoAxeViolations(other);
  } finally {
    await interviewer.close();
  }
});
