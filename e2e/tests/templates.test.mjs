// LoanPro's template forms in the body editor: evalFormula, a nested
// placeholder and an IF block render in the live preview, are highlighted,
// autocomplete offers function names, and a malformed IF is reported at its
// line and column.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appUnderTest, screenshot, outputDir, until } from '../harness.mjs';

const app = appUnderTest();

const BODY = `{
  "due": "[[formatNumber([[evalFormula('(* status-amount-due 2)')]],'2','.',',')]]",
  "words": "[[formatNumberAsCheck('status-amount-due')]]",
  "note": "{{ IF $status-days-past-due > 3 }}late by [[v('status-days-past-due')]] days{{ ELSE }}current{{ END }}",
  "name": "[[IF customer.secondary.full-name ]][[v('customer.secondary.full-name')]][[ELSE]]no co-borrower[[END]]"
}`;

test('a body with evalFormula, a nested formatNumber and an IF block renders in the preview', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('combobox', { name: 'Add connection' }).selectOption('blank');
  await page.getByRole('textbox', { name: 'Connection name' }).fill('LoanPro template forms');
  await page.getByRole('combobox', { name: 'Method' }).selectOption('PUT');
  await page.getByRole('textbox', { name: 'URL' }).fill("https://example.com/loans/[[v('loan-id')]]");
  await page.getByRole('radio', { name: 'Custom body' }).check();
  const body = page.getByRole('textbox', { name: 'Body' });
  await body.fill(BODY);

  const status = page.getByTestId('body-status');
  await until(async () => (await status.getAttribute('data-current')) === 'true', 'validation');
  assert.match(await status.textContent(), /valid JSON/);

  // The preview shows the rendered body for the first loan sample (158.70 due, 5 days late).
  const shown = await until(async () => {
    const text = await page.getByTestId('request-preview').locator('[data-part="body"]').textContent();
    return text.includes('317.40') && text;
  }, 'the preview body');
  const rendered = JSON.parse(shown);
  assert.deepEqual(rendered, {
    due: '317.40',
    words: 'One Hundred Fifty-Eight and 70/100',
    note: 'late by 5 days',
    name: 'Moira McCallagher',
  });

  // Highlighting: keywords, functions and the formula's own tokens.
  const layer = page.locator('.body-editor .code-layer');
  for (const [cls, text] of [['tok-kw', 'IF'], ['tok-fn', 'evalFormula'], ['tok-fn', 'formatNumber'], ['tok-var', 'status-amount-due'], ['tok-op', '>']]) {
    const found = await layer.locator(`.${cls}`).evaluateAll((els, t) => els.some((e) => e.textContent === t), text);
    assert.ok(found, `${text} highlighted as ${cls}`);
  }
  await screenshot(page, 'templates-evalformula-if-editor');
  // The preview, in view: the rendered body.
  await page.getByTestId('request-preview').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${outputDir}/templates-evalformula-if-preview.png` });

  // Autocomplete offers function names after `[[`.
  await body.evaluate((area) => {
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
  });
  await page.keyboard.type('\n[[formatNumberAs');
  const list = page.getByRole('listbox', { name: 'Suggestions' });
  await list.waitFor({ timeout: 5000 });
  const options = await list.getByRole('option').allTextContents();
  assert.ok(options.some((o) => o.startsWith('formatNumberAsText')), options.join(' | '));
  assert.ok(options.some((o) => o.startsWith('formatNumberAsCheck')), options.join(' | '));
  await screenshot(page, 'templates-function-autocomplete');
  await page.keyboard.press('Escape');

  // A malformed condition is an error at its line and column.
  await body.fill(BODY.replace('$status-days-past-due > 3', '$status-days-past-due = 3'));
  await until(async () => (await status.getAttribute('data-current')) === 'true' && /problem/.test(await status.textContent()), 'the error');
  const errors = await page.locator('#body-errors').textContent();
  assert.match(errors, /line 4, column 40: `=` is not a comparison; write `==`/);
  assert.ok((await page.locator('.body-editor .code-layer .diag-error').count()) >= 1);
  await screenshot(page, 'templates-malformed-if');
  assert.deepEqual(problems, []);
  await context.close();
});
