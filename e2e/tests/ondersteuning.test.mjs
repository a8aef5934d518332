// Support planning in a real browser, by keyboard: the demand page, the planner's form (a mistake shown and the
// typed values kept), a proposal made and adjusted. Every page passes axe-core and can be walked with Tab.

import assert from 'node:assert/strict';
import { expectNoAxeViolations } from '../support/browser.mjs';
import { setup } from '../support/harness.mjs';
import { tabTo, walkTabOrder } from '../support/keyboard.mjs';
import { ACCOUNTS } from '../support/server.mjs';
import { signIn } from '../support/sign_in.mjs';

const app = setup('ondersteuning');

/** Tabs to a field and types into it, replacing what it held. */
async function typeInto(page, label, text) {
  const field = page.getByLabel(label, { exact: true });
  await tabTo(page, field);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

async function expectWholeTabOrder(page) {
  const { expected, reached } = await walkTabOrder(page);
  const missed = expected.filter((e) => !reached.includes(e.key)).map((e) => `  ${e.description}`);
  assert.deepEqual(missed, [], `not reachable with Tab:\n${missed.join('\n')}`);
}

app.test('the demand page shows the figures, refuses a group of 0 and makes a proposal, all by keyboard', async (page) => {
  await signIn(app, page, ACCOUNTS.admin);
  await page.goto(app.url('/beheer/ondersteuning'));
  assert.equal(await page.locator('h1').innerText(), 'Ondersteuning plannen');
  await page.getByRole('table', { name: /Per bouwsteen: gemeenten die er ondersteuning bij nodig hebben/ }).waitFor();
  await page.getByText('Gesimuleerde gegevens.').first().waitFor();
  await expectNoAxeViolations(page);
  await expectWholeTabOrder(page);

  // A group of 0 is refused, with the message linked to the field and the typed value kept.
  await typeInto(page, 'Groepsgrootte', '0');
  await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
  const alert = page.getByRole('alert');
  await alert.getByText(/Groepsgrootte: een bijeenkomst brengt minstens 2 gemeenten samen/).waitFor();
  assert.equal(await page.getByLabel('Groepsgrootte', { exact: true }).inputValue(), '0', 'the typed value is kept');
  await expectNoAxeViolations(page);

  // Within 20 km, groups of at most 5.
  await page.getByLabel('Binnen een afstand van de gastgemeente, zoveel bijeenkomsten als nodig').focus();
  await page.keyboard.press('Space');
  await typeInto(page, 'Afstand in km', '20');
  await typeInto(page, 'Groepsgrootte', '5');
  const submit = page.getByRole('button', { name: 'Stel bijeenkomsten voor' });
  await tabTo(page, submit);
  await Promise.all([page.waitForURL((url) => /\/beheer\/ondersteuning\/voorstellen\/\d+$/.test(url.pathname)), page.keyboard.press('Enter')]);
  await page.getByRole('heading', { name: /^Bijeenkomst 1: / }).waitFor();
  assert.match(await page.locator('.facts').first().innerText(), /binnen 20 km van de gastgemeente/);
  await expectNoAxeViolations(page);
  await expectWholeTabOrder(page);
});

app.test('a proposal is adjusted by keyboard: an invitee removed and a meeting dropped', async (page) => {
  await signIn(app, page, ACCOUNTS.admin);
  await page.goto(app.url('/beheer/ondersteuning'));
  const submit = page.getByRole('button', { name: 'Stel bijeenkomsten voor' });
  await tabTo(page, submit);
  await Promise.all([page.waitForURL((url) => /\/beheer\/ondersteuning\/voorstellen\/\d+$/.test(url.pathname)), page.keyboard.press('Enter')]);

  const firstTable = page.getByRole('table', { name: /Genodigden van bijeenkomst 1 / });
  const before = await firstTable.locator('tbody tr').count();
  const remove = firstTable.getByRole('button', { name: /^Verwijderen .* uit bijeenkomst 1$/ }).last();
  await remove.focus();
  await Promise.all([page.waitForURL((url) => url.hash === '#bijeenkomst-1'), page.keyboard.press('Enter')]);
  assert.equal(await firstTable.locator('tbody tr').count(), before - 1, 'one invitee fewer');
  await page.getByRole('cell', { name: 'door het monitorteam uit een bijeenkomst gehaald' }).first().waitFor();
  assert.match(await page.locator('.facts').first().innerText(), /Versie\s+2/);
  await expectNoAxeViolations(page);

  const drop = page.getByRole('button', { name: 'Bijeenkomst 1 schrappen' });
  await drop.focus();
  await Promise.all([page.waitForURL((url) => url.hash === ''), page.keyboard.press('Enter')]);
  assert.equal(await page.getByRole('heading', { name: /^Bijeenkomst 1: / }).count(), 0, 'the meeting is gone');
  await expectNoAxeViolations(page);
});
