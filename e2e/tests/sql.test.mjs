// "Copy as SQL" beside "Copy as curl": the rule as one query for the chosen
// dialect, following the rule as it is edited, and the reason (with its
// place) when the rule has no exact SQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { appUnderTest, outputDir, until, ruleShown } from '../harness.mjs';

const app = appUnderTest();

test('Copy as SQL gives each dialect its query and says why a rule has none', async () => {
  const { page, context, problems } = await app.open('', { wait: ruleShown });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.server.url });
  await mkdir(outputDir, { recursive: true });
  const box = page.getByTestId('copy-sql');
  // "Copy as SQL" sits in one row with "Copy as curl".
  await box.getByRole('button', { name: 'Copy as curl' }).waitFor();
  // The query is first asked for when the box comes near the view (the worker
  // that writes it does not start with the page).
  await box.scrollIntoViewIfNeeded();
  const dialect = box.getByRole('combobox', { name: 'SQL dialect' });
  const copy = box.getByRole('button', { name: 'Copy as SQL' });
  const sqlText = () => box.getByTestId('sql-text').textContent();

  // The seed connection's rule, for DuckDB first.
  assert.equal(await dialect.inputValue(), 'duckdb');
  assert.deepEqual(await dialect.locator('option').allTextContents(), ['DuckDB', 'PostgreSQL', 'Spark SQL']);
  await box.getByText('The DuckDB query').click();
  await until(async () => /"status-days-past-due" = 5/.test(await sqlText()), 'the DuckDB query');
  assert.match(await sqlText(), /^WITH loan_values AS \(/);
  await copy.click();
  await box.getByRole('status').waitFor();
  assert.equal(await box.getByRole('status').textContent(), ' Copied the DuckDB query.');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, await sqlText());

  await dialect.selectOption('postgres');
  await box.getByText('The PostgreSQL query').click();
  await until(async () => /t\.loan -> 'status-days-past-due'/.test(await sqlText()), 'the PostgreSQL query');
  assert.match(await box.textContent(), /one jsonb column, loan/);
  await dialect.selectOption('spark');
  await box.getByText('The Spark SQL query').click();
  await until(async () => /`status-days-past-due` = 5BD/.test(await sqlText()), 'the Spark query');
  await box.screenshot({ path: join(outputDir, 'sql-spark.png') });

  // u/today needs an as-of date: the reason, with its place, and no button.
  await page.getByRole('textbox', { name: 'Rule' }).fill('(and (= loan-status "Open")\n     (> (u/today) next-scheduled-payment-date))');
  const why = box.getByTestId('sql-untranslatable');
  await until(async () => (await why.count()) > 0 && /needs an as-of date/.test(await why.textContent()), 'the reason');
  assert.match(await why.textContent(), /cannot be written exactly in Spark SQL/);
  assert.match(await why.textContent(), /--> 2:9/);
  assert.match(await why.textContent(), /Set “As of” above/);
  assert.equal(await copy.isDisabled(), true);
  await box.screenshot({ path: join(outputDir, 'sql-untranslatable.png') });

  await box.getByLabel('As-of date for u/today').fill('2022-09-26');
  await until(async () => (await box.getByTestId('sql-text').count()) > 0, 'the query with an as-of date');
  await box.getByText('The Spark SQL query').click();
  assert.match(await sqlText(), /DATE '2022-09-26' > `next-scheduled-payment-date`/);
  assert.equal(await copy.isDisabled(), false);

  // Division without an exact decimal result is refused, for every dialect.
  await page.getByRole('textbox', { name: 'Rule' }).fill('(< (/ status-amount-due 3) 10)');
  await until(async () => (await why.count()) > 0 && /division by 3/.test(await why.textContent()), 'the division reason');
  await dialect.selectOption('duckdb');
  await until(async () => /cannot be written exactly in DuckDB/.test(await why.textContent()), 'the DuckDB reason');

  // A long rule is translated (by the analysis worker) when the button is pressed, then copied.
  const clauses = Array.from({ length: 200 }, (_, i) => `(= status-days-past-due ${i})`).join(' ');
  await page.getByRole('textbox', { name: 'Rule' }).fill(`(or ${clauses})`);
  await box.getByTestId('sql-on-request').waitFor();
  assert.equal(await copy.isDisabled(), false);
  await copy.click();
  await until(async () => (await box.getByTestId('sql-text').count()) > 0, 'the long rule\'s query');
  await box.getByRole('status').waitFor();
  const long = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(long, /^WITH loan_values AS \(/);
  assert.match(long, /"status-days-past-due" = 199/);
  assert.equal(long, await sqlText());

  // A blank rule is nothing to translate yet: a quiet hint, no warning.
  await page.getByRole('textbox', { name: 'Rule' }).fill('');
  await until(async () => (await box.getByTestId('sql-empty').count()) > 0, 'the empty-rule hint');
  assert.equal(await why.count(), 0);
  assert.equal(await copy.isDisabled(), true);

  assert.deepEqual(problems, []);
  await context.close();
});
