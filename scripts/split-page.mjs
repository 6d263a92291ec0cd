// Splits the release build's page wasm in two, guided by what the first paint runs:
// the primary (loaded before the first paint) and the rest (loaded right after it by
// scripts/split-loader.js). Run by scripts/post-build in a release build:
//
//   node scripts/split-page.mjs STAGE_DIR
//
// 1. The page's wasm is instrumented (binaryen's wasm-split --instrument) and opened in
//    headless Chromium with the rest held back (`window.hookwrightRest`), as its users open it
//    (a first visit, a return visit, another connection selected, a tools view:
//    e2e/profile-first-paint.mjs); the merged profiles name every function those starts ran.
// 2. wasm-split moves every other function into the rest; the primary calls them through its
//    function table, where placeholders stand until the rest is in.
// 3. Both get content-hashed names; index.html gets the loader, the primary's new name and
//    its preload's new integrity.
//
// wasm-split is binaryen 108's (Debian's package, unpacked by scripts/setup: npm's binaryen
// has no wasm-split), which cannot read two things of rustc 1.95's output and misnumbers
// one export; each is worked around below with binaryen 132's wasm-dis/wasm-as and checked.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'e2e', 'node_modules', '.bin');
const wasmSplit = process.env.WASM_SPLIT;
const stage = process.argv[2];
if (!stage) fail('usage: node scripts/split-page.mjs STAGE_DIR');
if (!wasmSplit) fail('WASM_SPLIT is not set (scripts/env.sh sets it; scripts/setup installs it)');

// The features rustc 1.95 and wasm-bindgen use (binaryen 108 has no "detect" for all of them).
const FEATURES = ['--enable-simd', '--enable-bulk-memory', '--enable-sign-ext', '--enable-mutable-globals',
  '--enable-nontrapping-float-to-int', '--enable-reference-types', '--enable-multivalue'];

function fail(message) {
  console.error(`split-page: ${message}`);
  process.exit(1);
}

function run(tool, args) {
  const done = spawnSync(tool, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (done.status !== 0) fail(`${tool} ${args.join(' ')}\n${done.stderr || done.stdout || done.error}`);
  return done.stdout;
}

const sha = (bytes, algorithm = 'sha256') => createHash(algorithm).update(bytes).digest();
const sri = (bytes) => `sha384-${sha(bytes, 'sha384').toString('base64')}`;

/** Rewrites a module through its text form with binaryen 132. */
function rewrite(file, edit) {
  const wat = `${file}.wat`;
  run(join(bin, 'wasm-dis'), [...FEATURES, file, '-o', wat]);
  writeFileSync(wat, edit(readFileSync(wat, 'utf8')));
  run(join(bin, 'wasm-as'), [...FEATURES, wat, '-o', file]);
  rmSync(wat);
}

/** binaryen 108 cannot read `table.fill`; wasm-bindgen fills one slot of its externref table
 *  with null after a call, which is a `table.set`. */
function withoutTableFill(wat) {
  const fill = /\(table\.fill (\$\d+)\n(\s+)(\(local\.get \$\d+\))\n\s+\(ref\.null noextern\)\n\s+\(i32\.const 1\)\n(\s+)\)/g;
  const out = wat.replace(fill, (_, table, indent, index, close) =>
    `(table.set ${table}\n${indent}${index}\n${indent}(ref.null noextern)\n${close})`);
  if (out.includes('table.fill')) fail('a table.fill of another shape is left; binaryen 108 cannot read it');
  return out;
}

/** binaryen 108 writes the export of wasm-bindgen's externref table as the function table's
 *  (both are table 0 to it): point it back at the externref table. */
function externrefExportFixed(wat) {
  const table = wat.match(/^ \(table (\$\d+) \d+(?: \d+)? externref\)$/m);
  if (!table) fail('no externref table in the module');
  const out = wat.replace(/\(export "__wbindgen_externrefs" \(table \$\d+\)\)/, `(export "__wbindgen_externrefs" (table ${table[1]}))`);
  if (!out.includes(`(export "__wbindgen_externrefs" (table ${table[1]}))`)) fail('no export of the externref table');
  return out;
}

const pages = readdirSync(stage).filter((f) => /^hookwright-web-[0-9a-f]+_bg\.wasm$/.test(f));
if (pages.length !== 1) fail(`expected one page wasm in ${stage}, found ${pages.length}`);
const [page] = pages;
const work = mkdtempSync(join(tmpdir(), 'hookwright-split-'));
try {
  const input = join(work, 'page.wasm');
  cpSync(join(stage, page), input);
  rewrite(input, withoutTableFill);

  // 1. The first paint's profile.
  const instrumented = join(work, 'instrumented.wasm');
  run(wasmSplit, ['--instrument', ...FEATURES, input, '-o', instrumented]);
  rewrite(instrumented, externrefExportFixed);
  const site = join(work, 'site');
  cpSync(stage, site, { recursive: true });
  cpSync(instrumented, join(site, page));
  // The instrumented module is not the one index.html's integrity names.
  const index = join(site, 'index.html');
  writeFileSync(index, readFileSync(index, 'utf8').replace(/ integrity=("[^"]*"|[^ >]*)/g, ''));
  const profiles = join(work, 'profiles');
  run(process.execPath, [join(root, 'e2e', 'profile-first-paint.mjs'), site, profiles]);
  const profile = join(work, 'first-paint.prof');
  const starts = readdirSync(profiles).map((f) => join(profiles, f));
  run(wasmSplit, ['--merge-profiles', ...starts, '-o', profile]);

  // 2. The split.
  const primary = join(work, 'primary.wasm');
  const rest = join(work, 'rest.wasm');
  run(wasmSplit, [...FEATURES, input, `--profile=${profile}`, '-o1', primary, '-o2', rest]);
  rewrite(primary, externrefExportFixed);

  // 3. Names, the loader and index.html.
  const primaryBytes = readFileSync(primary);
  const restBytes = readFileSync(rest);
  const hash = sha(Buffer.concat([primaryBytes, restBytes])).toString('hex').slice(0, 16);
  const primaryName = `hookwright-web-${hash}_bg.wasm`;
  const restName = `hookwright-web-${hash}_rest.wasm`;
  rmSync(join(stage, page));
  writeFileSync(join(stage, primaryName), primaryBytes);
  writeFileSync(join(stage, restName), restBytes);

  const publicUrl = process.env.TRUNK_PUBLIC_URL || '/';
  const loaderFile = join(work, 'loader.js');
  writeFileSync(loaderFile, readFileSync(join(root, 'scripts', 'split-loader.js'), 'utf8')
    .replace('__REST_URL__', `${publicUrl}${restName}`));
  run(join(bin, 'esbuild'), [loaderFile, '--minify', '--log-level=warning', `--outfile=${loaderFile}.min`]);
  const loader = readFileSync(`${loaderFile}.min`, 'utf8').trim();

  const html = join(stage, 'index.html');
  let text = readFileSync(html, 'utf8');
  if (!text.includes(page)) fail(`index.html does not name ${page}`);
  text = text.split(page).join(primaryName);
  // The preload of the page's wasm carries its integrity: the primary's now.
  const preload = new RegExp(`(<link[^>]*href=[^ >]*${primaryName.replace('.', '\\.')}[^>]*integrity=)("[^"]*"|[^ >]*)`);
  if (!preload.test(text)) fail('index.html has no preload with integrity for the page wasm');
  text = text.replace(preload, `$1${sri(primaryBytes)}`);
  if (!text.includes('<script type=module>')) fail('index.html has no <script type=module> (Trunk\'s loader)');
  text = text.replace('<script type=module>', `<script>${loader}</script><script type=module>`);
  writeFileSync(html, text);

  const gz = (bytes) => (spawnSync('gzip', ['-9c'], { input: bytes, maxBuffer: 64 << 20 }).stdout.length / 1000).toFixed(1);
  console.log(`split-page: ${page} (${gz(readFileSync(input))} KB gzipped) -> ${primaryName} (${gz(primaryBytes)} KB) before the first paint, ${restName} (${gz(restBytes)} KB) after it`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
