// A municipality's profile: the public page of a large and a small municipality passes axe-core, prints as a clean
// report, and the respondent reaches its own profile from the questionnaire by keyboard, before publication too.

import assert from 'node:assert/strict';
import { expectNoAxeViolations } from '../support/browser.mjs';
import { setup } from '../support/harness.mjs';
import { tabTo, walkTabOrder } from '../support/keyboard.mjs';
import { ACCOUNTS, OPEN_WAVE } from '../support/server.mjs';
import { signIn } from '../support/sign_in.mjs';

const app = setup('profiel');

for (const [code, name] of [
  ['GM0363', 'Amsterdam'],
  ['GM0088', 'Schiermonnikoog'],
]) {
  app.test(`the profile of ${name} shows its standing among its peers and passes axe`, async (page) => {
    await page.goto(app.url(`/gemeenten/${code}`));
    const profile = page.locator('section.profile');
    await profile.getByRole('heading', { level: 2, name: /Profiel in de meting/ }).waitFor();
    for (const heading of ['Bouwstenen', 'Volgende stappen', 'Wie kan helpen', 'In de tijd']) {
      await profile.getByRole('heading', { level: 3, name: heading }).waitFor();
    }
    const groups = profile.getByRole('table', { name: /binnen elke vergelijkingsgroep/ });
    assert.match(await groups.innerText(), /Grootteklasse \d/, 'the size-class peer group is there');
    await expectNoAxeViolations(page);

    const { expected, reached } = await walkTabOrder(page);
    const missed = expected.filter((e) => !reached.includes(e.key)).map((e) => e.description);
    assert.deepEqual(missed, [], 'every link of the profile is reached by keyboard');
  });
}

app.test('printed, the profile is the content only, with every table whole', async (page) => {
  await page.goto(app.url('/gemeenten/GM0363'));
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('header.page-header').isVisible(), false, 'no site header on paper');
  assert.equal(await page.locator('footer.page-footer').isVisible(), false, 'no footer on paper');
  assert.equal(await page.locator('.print-hint').isVisible(), false, 'no hint to print on the print');
  const overflow = await page.locator('.table-wrapper').evaluateAll((wrappers) => wrappers.map((w) => getComputedStyle(w).overflowX));
  assert.ok(overflow.every((value) => value === 'visible'), `tables are not cut off: ${overflow}`);
  const pdf = await page.pdf({ format: 'A4' });
  assert.ok(pdf.length > 10_000, 'a report is printed');
});

app.test('the respondent reaches its own profile from the questionnaire, before publication too', async (page) => {
  await signIn(app, page, ACCOUNTS.respondent);
  await page.goto(app.url(`/invullen/${OPEN_WAVE.id}/GM0363`));
  const link = page.getByRole('link', { name: /^Profiel van Amsterdam .*naast vergelijkbare gemeenten$/ });
  await tabTo(page, link);
  await Promise.all([page.waitForURL((url) => url.pathname === `/invullen/${OPEN_WAVE.id}/GM0363/profiel`), page.keyboard.press('Enter')]);
  await page.getByText('Deze meting is nog niet gepubliceerd').waitFor();
  await expectNoAxeViolations(page);
});
