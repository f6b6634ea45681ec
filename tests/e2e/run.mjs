#!/usr/bin/env node
/*
 * run.mjs - the browser tests: the real minwon server (fresh database)
 * and Debian's chromium driven by playwright-core, with axe-core checking
 * every page for accessibility problems.
 *
 *   MINWON_BIN=/abs/build/minwon node tests/e2e/run.mjs [name-filter]
 *
 * Environment: MINWON_BIN (default build/minwon), CHROMIUM (default
 * /usr/bin/chromium), E2E_SCREENSHOTS=1 writes docs/screenshots/*.png,
 * E2E_KEEP=1 keeps the server's directory.
 * Ends with "e2e: N passed, N failed" and exits non-zero on a failure.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import http from 'node:http';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const BIN = path.resolve(process.env.MINWON_BIN || path.join(REPO, 'build', 'minwon'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.E2E_SCREENSHOTS === '1' ? path.join(REPO, 'docs', 'screenshots') : null;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PHOTO = path.join(REPO, 'tests', 'fixtures', 'media', 'gps.jpg');
const PASSWORD = 'E2e-Password-1';
const HERE_LAT = 37.5172, HERE_LON = 127.0473;

/* ---- the server ------------------------------------------------------- */

function cli(...args) {
  const input = args.length && typeof args[args.length - 1] === 'object' ? args.pop().input : undefined;
  const p = spawnSync(BIN, args, { input, encoding: 'utf8' });
  if (p.status !== 0) throw new Error(`minwon ${args.join(' ')} failed: ${p.stdout}${p.stderr}`);
  return p.stdout;
}

/* A stand-in SMS gateway: keeps every message's JSON body (srv.sms), so
 * that journeys can read what a citizen's phone would show. */
async function startSmsSink() {
  const messages = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      try { messages.push(JSON.parse(body)); } catch { /* not JSON: ignore */ }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { messages, server, url: `http://127.0.0.1:${server.address().port}/sms` };
}

async function startServer() {
  const sms = await startSmsSink();
  const dir = mkdtempSync(path.join(tmpdir(), 'minwon-e2e-'));
  const db = path.join(dir, 'minwon.db');
  cli('init', '--db', db);
  cli('user', 'add', 'officer', '--role', 'manager', '--department', 'facilities',
      '--password-stdin', '--db', db, { input: PASSWORD + '\n' });
  cli('nlp', 'train', '--out', db + '.model');
  const proc = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--threads', '2'],
                     { stdio: ['ignore', 'pipe', 'pipe'],
                       env: { ...process.env, MINWON_SMS_URL: sms.url, MINWON_QUIET_HOURS: 'none' } });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error('server did not start: ' + stderr)), 20000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /serving .* on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) { clearTimeout(t); resolve(Number(m[1])); }
    });
    proc.on('exit', (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
  });
  return { dir, db, proc, base: `http://127.0.0.1:${port}`, stderr: () => stderr,
           sms: sms.messages, smsServer: sms.server };
}

async function api(srv, method, p, body, headers = {}) {
  const r = await fetch(srv.base + p, {
    method, headers: { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json, text, headers: r.headers };
}

async function staff(srv) {
  const r = await fetch(srv.base + '/api/v1/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: 'officer', password: PASSWORD }),
  });
  const j = await r.json();
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const auth = { Cookie: cookie, 'X-CSRF-Token': j.csrf };
  const act = (id, type, fields = {}) => api(srv, 'POST', `/api/v1/staff/complaints/${id}/actions`,
    { type, ...fields }, auth);
  /* Any other staff request: act.call('GET', '/api/v1/staff/counsel'). */
  act.call = (method, p, body) => api(srv, method, p, body, auth);
  return act;
}

/* ---- helpers ---------------------------------------------------------- */

function assert(cond, msg) { if (!cond) throw new Error('assertion failed: ' + msg); }

async function axe(page, label) {
  await page.addScriptTag({ content: AXE }).catch(async () => {
    /* The page's CSP forbids inline script: evaluate instead. */
    await page.evaluate(AXE);
  });
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert(res.length === 0, `axe on ${label}:\n  ${res.join('\n  ')}`);
}

/* Waits until fn(arg) is true in the page. (page.waitForFunction polls
 * with eval, which the pages' CSP forbids.) */
async function until(page, fn, arg, timeout = 15000) {
  const end = Date.now() + timeout;
  while (!(await page.evaluate(fn, arg))) {
    if (Date.now() > end) throw new Error('timed out waiting for ' + fn);
    await page.waitForTimeout(100);
  }
}

async function shot(page, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name + '.png'), fullPage: true });
}

async function newContext(browser, opts = {}) {
  const ctx = await browser.newContext({
    viewport: { width: 480, height: 900 }, locale: 'ko-KR', timezoneId: 'Asia/Seoul',
    geolocation: { latitude: HERE_LAT, longitude: HERE_LON }, permissions: ['geolocation'],
    ...opts,
  });
  /* No network here: map tiles fail fast, as they would offline. */
  await ctx.route(/tile\.openstreetmap\.org/, (r) => r.abort());
  ctx.on('page', (p) => p.on('dialog', (d) => { p.__dialogs = (p.__dialogs || 0) + 1; d.dismiss(); }));
  return ctx;
}

async function fileByForm(page, srv, text, { photo = false } = {}) {
  await page.goto(srv.base + '/');
  await page.fill('#f-text', text);
  if (photo) await page.setInputFiles('#f-photo', PHOTO);
  await page.check('#f-consent');
  await Promise.all([page.waitForURL(/\/receipt$/), page.click('button[type=submit].primary')]);
  return {
    receipt: (await page.textContent('#receipt-no')).trim(),
    token: (await page.textContent('#receipt-token')).trim(),
  };
}

/* ---- the tests -------------------------------------------------------- */

const tests = [];
function test(name, fn) { tests.push({ name, fn }); }

test('home page first load is at most 100 KB and passes axe (ko, en, easy)', async ({ browser, srv }) => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  await page.goto(srv.base + '/', { waitUntil: 'networkidle' });
  await page.keyboard.press('Tab');
  assert(await page.evaluate(() => document.activeElement.classList.contains('skip')),
         'the skip link comes first');
  assert(bytes > 1000 && bytes <= 100 * 1024, `home page transferred ${bytes} bytes`);
  console.log(`    home page first load: ${bytes} bytes`);
  assert((await page.getAttribute('html', 'lang')) === 'ko', 'lang=ko');
  const csp = (await page.request.get(srv.base + '/')).headers()['content-security-policy'];
  assert(/script-src 'self'/.test(csp) && /frame-ancestors 'none'/.test(csp), 'CSP header: ' + csp);
  await axe(page, 'home (ko)');
  await shot(page, 'home');
  // The switches are links: wait for the new page and its stylesheet.
  await Promise.all([page.waitForURL(/\?lang=en$/), page.click('a[hreflang=en]')]);
  assert((await page.getAttribute('html', 'lang')) === 'en', 'lang=en after the switch');
  assert((await page.textContent('h1')).includes('File a complaint'), 'English heading');
  await axe(page, 'home (en)');
  await Promise.all([page.waitForURL(/\?easy=1$/), page.click('a.easy-switch')]);
  assert(await page.evaluate(() => document.body.classList.contains('easy')), 'easy class');
  const size = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('#f-text')).fontSize));
  assert(size >= 20, `easy view text size ${size}px`);
  await axe(page, 'home (en, easy)');
  await page.goto(srv.base + '/?lang=ko');
  assert(await page.evaluate(() => document.body.classList.contains('easy')), 'easy view remembered');
  await axe(page, 'home (ko, easy)');
  await shot(page, 'home-easy');
  await page.goto(srv.base + '/no-such-page?easy=0');
  await axe(page, '404 page');
  await page.goto(srv.base + '/track');
  await axe(page, 'track lookup (ko)');
  await page.fill('#f-receipt', '2611-999999');
  await page.fill('#f-token', 'no-such-code-no-such-c');
  await page.click('#track-form button');
  await page.waitForSelector('#e-lookup');
  await axe(page, 'track lookup with an error');
  /* A form the server refuses comes back with the errors tied to fields. */
  await page.goto(srv.base + '/');
  await page.fill('#f-text', '좌표가 잘못된 민원');
  await page.fill('#f-lat', 'north');
  await page.fill('#f-lon', '127');
  await page.check('#f-consent');
  await page.click('button[type=submit].primary');
  await page.waitForSelector('#error-summary');
  assert((await page.getAttribute('#f-lat', 'aria-describedby')).includes('e-location'), 'error described');
  await axe(page, 'home with errors');
  await shot(page, 'home-errors');
  await ctx.close();
});

test('journey 1: file with a photo and a location, similar hint, receipt with QR, track', async ({ browser, srv }) => {
  /* Someone already reported the broken light nearby. */
  const seed = await api(srv, 'POST', '/api/v1/complaints', {
    text: '골목 가로등이 사흘째 꺼져 있어서 밤에 너무 어둡습니다', category: 'streetlight', channel: 'web',
    lat: HERE_LAT + 0.0002, lon: HERE_LON, consent: { privacy: true, public_map: true },
  });
  assert(seed.status === 201, 'seed complaint: ' + seed.text);
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  await page.goto(srv.base + '/');
  await page.fill('#f-text', '우리 골목 가로등이 꺼져서 밤길이 어둡습니다. 고쳐 주세요.');
  await page.click('#locate');
  await page.waitForFunction(() => document.querySelector('#f-lat').value !== '');
  assert(Math.abs(parseFloat(await page.inputValue('#f-lat')) - HERE_LAT) < 1e-4, 'latitude from GPS');
  /* The similar-complaints hint, with a way to add to the existing one. */
  await page.waitForSelector('#similar:not([hidden]) li', { timeout: 10000 });
  assert((await page.textContent('#similar')).includes('가로등'), 'hint names the category');
  assert(await page.isVisible('#similar button'), 'support button');
  /* The suggestion of the routing model. */
  await page.waitForSelector('#suggest:not([hidden])', { timeout: 10000 });
  await page.click('#suggest button');
  assert((await page.inputValue('#f-category')) === 'streetlight', 'suggested category applied');
  /* The map loads lazily, and the page still works without tiles. */
  await page.click('#show-map');
  await page.waitForSelector('#map.leaflet-container', { timeout: 10000 });
  await page.click('#map', { position: { x: 200, y: 160 } });
  assert((await page.inputValue('#f-lon')) !== '', 'map pin sets the coordinates');
  await page.fill('#f-address', '역삼로 12길 5 앞');
  await page.setInputFiles('#f-photo', PHOTO);
  await page.waitForSelector('#photo-preview img');
  await page.fill('#f-phone', '010-1234-5678');
  await page.check('#f-consent');
  await axe(page, 'home, filled in');
  await shot(page, 'home-filled');
  await Promise.all([page.waitForURL(/\/receipt$/), page.click('button[type=submit].primary')]);
  const receipt = (await page.textContent('#receipt-no')).trim();
  const token = (await page.textContent('#receipt-token')).trim();
  assert(/^\d{4}-\d{6}$/.test(receipt), 'receipt number ' + receipt);
  assert(/^[A-Za-z0-9_-]{22}$/.test(token), 'token');
  assert(await page.isVisible('svg.qr'), 'QR code');
  assert(!page.url().includes(token), 'no token in the URL');
  await axe(page, 'receipt');
  await shot(page, 'receipt');
  for (const q of ['?lang=en', '?easy=1', '?lang=ko&easy=0']) {
    await page.goto(srv.base + '/receipt' + q);
    await axe(page, 'receipt ' + q);
  }
  await Promise.all([page.waitForURL(/\/track$/), page.click('a.button.primary')]);
  assert((await page.textContent('#track-receipt')).trim() === receipt, 'track shows the receipt');
  const cats = (await api(srv, 'GET', '/api/v1/categories')).json.items;
  const want = cats.find((c) => c.code === 'streetlight').department_name;
  assert((await page.textContent('#track-department')).trim() === want, 'department ' + want);
  const img = await page.waitForSelector('img.thumb');
  assert(await img.evaluate((i) => i.complete && i.naturalWidth > 0), 'photo shown');
  await axe(page, 'track');
  await shot(page, 'track');
  for (const q of ['?lang=en', '?easy=1', '?lang=ko&easy=0']) {
    await page.goto(srv.base + '/track' + q);
    await axe(page, 'track ' + q);
  }
  /* The QR code's link in a fresh browser: /track#RECEIPT.TOKEN. */
  const other = await (await newContext(browser)).newPage();
  await other.goto(`${srv.base}/track#${receipt}.${token}`);
  await other.waitForSelector('#track-receipt');
  assert((await other.textContent('#track-receipt')).trim() === receipt, 'QR link opens the complaint');
  assert(!other.url().includes('#'), 'the fragment is dropped');
  await other.context().close();
  await ctx.close();
});

test('track: 보완 answered, answer shown, unsatisfied rating goes to 재검토 (ko, en)', async ({ browser, srv }) => {
  const act = await staff(srv);
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const { receipt } = await fileByForm(page, srv, '공원 가로등 하나가 깜빡입니다');
  let r = await act(receipt, 'recategorize', { category: 'streetlight' });
  assert(r.status === 200, 'recategorize: ' + r.text);
  r = await act(receipt, 'start');
  assert(r.status === 200, 'start: ' + r.text);
  r = await act(receipt, 'request_info', { text: '가로등 기둥에 적힌 번호를 알려 주세요.' });
  assert(r.status === 200, 'request_info: ' + r.text);
  await page.goto(srv.base + '/track');
  assert((await page.textContent('#track-status')).includes('보완'), 'status 보완요청');
  assert((await page.textContent('.moves')).includes('보완 요청'), 'why the date moved');
  await axe(page, 'track (보완)');
  await page.fill('#f-message', '기둥 번호는 가-123 입니다.');
  await Promise.all([page.waitForURL(/done=message/), page.click('#f-message ~ p button')]);
  assert((await page.textContent('#track-status')).includes('처리중'), 'back to 처리중');
  r = await act(receipt, 'answer', { text: '12월 1일 등기구를 교체했습니다.' });
  assert(r.status === 200, 'answer: ' + r.text);
  await page.goto(srv.base + '/track?lang=en');
  assert((await page.textContent('#track-answer')).includes('등기구'), 'answer shown');
  await axe(page, 'track, answered (en)');
  await page.goto(srv.base + '/track?lang=ko');
  await axe(page, 'track, answered (ko)');
  await shot(page, 'track-answered');
  await page.click('label[for=r2]');
  assert(await page.isChecked('#r2'), 'rating 2 chosen');
  await page.fill('#f-comment', '아직도 깜빡입니다.');
  await Promise.all([page.waitForURL(/done=reopened/), page.click('form[action="/track/rate"] button')]);
  assert((await page.textContent('#track-status')).includes('재검토'), 'status 재검토');
  await ctx.close();
});

test('a complaint text <script>alert(1)</script> is shown as text', async ({ browser, srv }) => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const evil = '<script>alert(1)</script><img src=x onerror=alert(2)> 쓰레기';
  await fileByForm(page, srv, evil);
  await page.goto(srv.base + '/track');
  assert((await page.textContent('.prewrap')).includes('<script>alert(1)</script>'), 'literal text');
  assert(!page.__dialogs, 'no script ran');
  assert(await page.evaluate(() => document.querySelectorAll('main script, main img[src=x]').length === 0), 'no injected elements');
  await ctx.close();
});

test('form posts without the right CSRF token are refused', async ({ browser, srv }) => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  await page.goto(srv.base + '/');
  const statuses = await page.evaluate(async () => {
    const out = [];
    for (const csrf of [null, 'forged-token-value-000']) {
      const fd = new FormData();
      fd.append('text', 'CSRF 시험');
      fd.append('consent', 'yes');
      if (csrf) fd.append('csrf', csrf);
      out.push((await fetch('/', { method: 'POST', body: fd })).status);
    }
    return out;
  });
  assert(statuses.every((s) => s === 403), 'statuses ' + statuses);
  /* Nothing was filed: the track page of another browser's cookie is not needed, the API says. */
  const bad = await page.request.post(srv.base + '/track/rate', { form: { rating: '5' } });
  assert(bad.status() === 403, 'rating without token: ' + bad.status());
  await ctx.close();
});

test('with JavaScript disabled: file a complaint and track it', async ({ browser, srv }) => {
  const ctx = await newContext(browser, { javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(srv.base + '/');
  assert(await page.isHidden('#locate'), 'JS-only buttons stay hidden');
  /* A server-side error first: coordinates that are not numbers. */
  await page.fill('#f-text', '자바스크립트 없이 신고합니다. 보도블록이 깨졌어요.');
  await page.fill('#f-lat', 'north');
  await page.fill('#f-lon', '127');
  await page.check('#f-consent');
  await page.click('button[type=submit].primary');
  await page.waitForSelector('#error-summary');
  assert((await page.getAttribute('#f-lat', 'aria-invalid')) === 'true', 'field marked invalid');
  assert((await page.inputValue('#f-text')).includes('자바스크립트'), 'text kept');
  await page.fill('#f-lat', '37.5006');
  await page.fill('#f-lon', '127.0364');
  await page.setInputFiles('#f-photo', PHOTO);
  await page.check('#f-consent');
  await Promise.all([page.waitForURL(/\/receipt$/), page.click('button[type=submit].primary')]);
  const receipt = (await page.textContent('#receipt-no')).trim();
  const token = (await page.textContent('#receipt-token')).trim();
  /* Another browser, no JS: type the receipt number and the code. */
  const ctx2 = await newContext(browser, { javaScriptEnabled: false });
  const p2 = await ctx2.newPage();
  await p2.goto(srv.base + '/track');
  await p2.fill('#f-receipt', receipt);
  await p2.fill('#f-token', 'wrong-code-wrong-code-');
  await p2.click('#track-form button');
  await p2.waitForSelector('#e-lookup');
  await p2.fill('#f-token', token);
  await p2.click('#track-form button');
  await p2.waitForSelector('#track-receipt');
  assert((await p2.textContent('#track-receipt')).trim() === receipt, 'tracked without JS');
  await ctx2.close();
  await ctx.close();
});

test('offline: the form keeps the complaint and files it once when back online', async ({ browser, srv }) => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  await page.goto(srv.base + '/');
  await page.fill('#f-text', '오프라인 상태에서 쓴 민원: 공원 벤치가 부서졌습니다');
  await page.check('#f-consent');
  await ctx.setOffline(true);
  await page.click('button[type=submit].primary');
  await page.waitForSelector('#offline-note:not([hidden])');
  assert(page.url().endsWith('/'), 'stayed on the form');
  await ctx.setOffline(false);
  /* Filed, then /track#RECEIPT.TOKEN posts the lookup and lands on /track:
   * wait for the complaint itself, not for an address on the way. */
  await page.waitForSelector('#track-receipt', { timeout: 15000 });
  const receipt = (await page.textContent('#track-receipt')).trim();
  assert(/^\d{4}-\d{6}$/.test(receipt), 'filed when back online');
  assert(await page.evaluate(() => localStorage.getItem('minwon.outbox') === null), 'outbox empty');
  await ctx.close();
});

/* Journeys of other areas of pages: every other tests/e2e/*.mjs exports
 * a function that registers its tests with these helpers. */
const helpers = { test, assert, api, staff, cli, axe, shot, until, newContext, fileByForm,
                  PHOTO, PASSWORD, HERE_LAT, HERE_LON };
for (const f of readdirSync(HERE).filter((n) => n.endsWith('.mjs') && n !== 'run.mjs').sort()) {
  (await import(pathToFileURL(path.join(HERE, f)).href)).default(helpers);
}

/* ---- main ------------------------------------------------------------- */

async function main() {
  const filter = process.argv[2];
  const srv = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
                                          args: ['--no-sandbox', '--disable-gpu', '--lang=ko-KR'] });
  let passed = 0, failed = 0;
  const t0 = Date.now();
  try {
    for (const t of tests) {
      if (filter && !t.name.includes(filter)) continue;
      const s = Date.now();
      try {
        await t.fn({ browser, srv });
        passed++;
        console.log(`ok   ${t.name} (${Date.now() - s} ms)`);
      } catch (e) {
        failed++;
        console.log(`FAIL ${t.name}\n     ${String(e && e.stack || e).split('\n').join('\n     ')}`);
      }
    }
  } finally {
    await browser.close();
    srv.proc.kill('SIGTERM');
    await new Promise((r) => srv.proc.once('exit', r));
    srv.smsServer.close();
    if (/AddressSanitizer|runtime error:/.test(srv.stderr())) {
      failed++;
      console.log('FAIL sanitizer report in the server log:\n' + srv.stderr());
    }
    if (process.env.E2E_KEEP !== '1') rmSync(srv.dir, { recursive: true, force: true });
  }
  console.log(`(${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(2); });
