/*
 * field.mjs - journey 3 of the browser tests (registered by run.mjs): a
 * field worker signs in on a phone (the staff entrance brings them here), sends a report with a photo, then three
 * while the browser is offline; a reload offline still shows them (the
 * service worker's app shell and the IndexedDB outbox); back online they
 * are sent, and exactly that many complaints exist. When the answers of
 * a filing and of its photo upload are lost on the way back, the resend
 * files nothing new and uploads no second photo. Without JavaScript the
 * form files through the server, once however often it is sent. The
 * sign-in is the app's own (/field/login) and lasts a month; when the
 * session has ended a kept report waits, the app asks to sign in again,
 * and then sends it once.
 */

/* Playwright sees (and takes offline) a service worker's requests only
 * with this; it is read when a worker starts. */
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = '1';

/* How often the server answered a route (its metrics). */
async function served(api, srv, route) {
  const text = (await api(srv, 'GET', '/metrics')).text;
  let n = 0;
  for (const m of text.matchAll(new RegExp(`minwon_http_requests_total\\{route="${route}",status="\\d+"\\} (\\d+)`, 'g'))) {
    n += Number(m[1]);
  }
  return n;
}

export default function ({ test, api, cli, axe, shot, until, newContext, assert, PASSWORD, PHOTO }) {
  /* The users of these tests, made once while the server runs. */
  let made = false;
  function users(srv) {
    if (made) return;
    for (const [login, role] of [['field1', 'field'], ['e2e-admin', 'admin']]) {
      cli('user', 'add', login, '--role', role, '--password-stdin', '--db', srv.db, { input: PASSWORD + '\n' });
    }
    made = true;
  }

  /* The staff entrance brings a field worker to the app. */
  async function signIn(page, srv) {
    users(srv);
    await page.goto(srv.base + '/field');
    assert(page.url().endsWith('/field/login'), 'a visitor of /field is sent to its sign-in: ' + page.url());
    await page.fill('#f-login', 'field1');
    await page.fill('#f-password', PASSWORD);
    await page.click('#login-form button');
    await page.waitForSelector('#field-app');
  }

  async function report(page, category, photo) {
    if (photo) {
      await page.setInputFiles('#f-photo', PHOTO);
      await page.waitForSelector('#photo-preview:not([hidden])');
    }
    await page.click(`label[for=c-${category}]`);
    await page.click('#send');
  }

  const count = (page, sel) => page.evaluate((s) => document.querySelectorAll(s).length, sel);

  const rows = (page, sel, n) => until(page, ([s, k]) => document.querySelectorAll(s).length === k, [sel, n]);

  /* The photos of each complaint, as staff see them. */
  async function photos(srv, receipts) {
    const r = await fetch(srv.base + '/api/v1/session', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ login: 'e2e-admin', password: PASSWORD }),
    });
    const cookie = r.headers.get('set-cookie').split(';')[0];
    const out = {};
    for (const rn of receipts) {
      const c = await api(srv, 'GET', '/api/v1/staff/complaints/' + rn, undefined, { Cookie: cookie });
      out[rn] = c.json.attachments.length;
    }
    return out;
  }

  test('journey 3: the field app files offline and sends each report exactly once', async ({ browser, srv }) => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, srv);
    await until(page, () => navigator.serviceWorker.controller !== null);

    /* Installable: a manifest for /field and a worker allowed to serve it. */
    const manifest = await (await page.request.get(srv.base + await page.getAttribute('link[rel=manifest]', 'href'))).json();
    assert(manifest.start_url === '/field' && manifest.scope === '/field' && manifest.display === 'standalone',
           'manifest ' + JSON.stringify(manifest));
    assert(manifest.icons.some((i) => i.sizes === '512x512') && manifest.icons.some((i) => i.sizes === '192x192'), 'icons');
    const sw = await page.request.get(srv.base + '/field/sw.js');
    assert(sw.headers()['service-worker-allowed'] === '/field', 'Service-Worker-Allowed');
    const scope = await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.scope));
    assert(scope === srv.base + '/field', 'scope ' + scope);

    await until(page, () => document.querySelector('#f-lat').value !== '');
    await axe(page, 'field (ko)');
    await report(page, 'illegal_dumping', true);
    await rows(page, '#today .reports li', 1);
    assert((await page.textContent('#today')).includes('무단투기'), 'today lists the report');
    await page.waitForSelector('#pending', { state: 'hidden' });

    /* No signal: three reports, one with a photo, kept on the phone. */
    await ctx.setOffline(true);
    await report(page, 'waste_collection', true);
    await report(page, 'illegal_ads', false);
    await report(page, 'other', false);
    await rows(page, '#pending-list li', 3);
    assert((await page.textContent('#field-status')).includes('연결'), 'says it waits for a connection');
    await axe(page, 'field with kept reports (ko)');
    await shot(page, 'field-offline');

    /* A reload without signal: the app shell from the service worker,
     * the reports from IndexedDB; the server hears nothing. */
    const before = await served(api, srv, 'page_field');
    await page.reload();
    await rows(page, '#pending-list li', 3);
    assert(await served(api, srv, 'page_field') === before, 'the reload came from the cache');
    assert(await count(page, '#pending-list img') === 1, 'the photo is kept');

    /* Signal again: sent, once each. */
    await ctx.setOffline(false);
    await page.waitForSelector('#pending', { state: 'hidden', timeout: 20000 });
    await rows(page, '#today .reports li', 4);
    let queue = (await (await page.request.get(srv.base + '/api/v1/queue?limit=100')).json()).items;
    assert(queue.length === 4, `exactly four complaints, not ${queue.length}`);
    assert(queue.every((c) => c.channel === 'field'), 'on the field channel');
    const byCat = Object.fromEntries(queue.map((c) => [c.category, c.receipt_no]));
    const shots = await photos(srv, [byCat.illegal_dumping, byCat.waste_collection, byCat.illegal_ads]);
    assert(shots[byCat.illegal_dumping] === 1 && shots[byCat.waste_collection] === 1 && shots[byCat.illegal_ads] === 0,
           'one photo where one was taken: ' + JSON.stringify(shots));
    await shot(page, 'field');

    /* Signed in once: the cookie outlives the browser for a month. */
    const session = (await ctx.cookies()).find((c) => c.name === 'mw_session');
    assert(session.expires > Date.now() / 1000 + 29 * 86400, 'a persistent session cookie: ' + session.expires);

    /* The session ends (as after weeks unused) while the phone keeps its
     * cookie: a report is kept, the app asks to sign in, and after signing
     * in again the report is sent, once. */
    const who = await (await page.request.get(srv.base + '/api/v1/session')).json();
    assert(who.session === 'field' && who.role === 'field', 'a field session: ' + JSON.stringify(who));
    const ended = await api(srv, 'DELETE', '/api/v1/session', undefined,
      { Cookie: 'mw_session=' + session.value, 'X-CSRF-Token': who.csrf });
    assert(ended.status === 204, 'ended on the server: ' + ended.status);
    await report(page, 'streetlight', false);
    await page.waitForSelector('#field-status a[href="/field/login"]');
    assert(await count(page, '#pending-list li') === 1, 'the report is kept');
    await axe(page, 'field asking to sign in again (ko)');
    await page.click('#field-status a');
    await page.waitForSelector('#login-form');
    assert(page.url().endsWith('/field/login'), 'the app\'s own sign-in: ' + page.url());
    await axe(page, 'field sign-in (ko)');
    await page.fill('#f-login', 'field1');
    await page.fill('#f-password', PASSWORD);
    await page.click('#login-form button');
    await page.waitForSelector('#field-app');
    await page.waitForSelector('#pending', { state: 'hidden', timeout: 20000 });
    await rows(page, '#today .reports li', 5);
    queue = (await (await page.request.get(srv.base + '/api/v1/queue?limit=100')).json()).items;
    assert(queue.length === 5 && queue.filter((c) => c.category === 'streetlight').length === 1,
           `the kept report filed once: ${queue.length} complaints`);

    for (const q of ['?lang=en', '?easy=1', '?lang=ko']) {
      await page.goto(srv.base + '/field' + q);
      await axe(page, 'field ' + q);
    }
    await page.goto(srv.base + '/field?easy=0');
    /* Sign out: the session ends and the kept copy of the page goes. */
    await page.click('#logout-form button');
    await page.waitForSelector('#login-form');
    assert(await page.evaluate(() => caches.keys().then((k) => k.filter((n) => n.startsWith('minwon-field-')).length)) === 0,
           'no cached page after signing out');
    assert(page.url().endsWith('/field/login'), 'signed out to the app\'s sign-in: ' + page.url());
    await page.goto(srv.base + '/field');
    assert(page.url().endsWith('/field/login'), 'signed out');
    for (const q of ['?lang=en', '?easy=1', '?lang=ko&easy=0']) {
      await page.goto(srv.base + '/field/login' + q);
      assert(await page.isVisible('#f-keep'), '"keep me signed in" ' + q);
      await axe(page, 'field sign-in ' + q);
    }
    await ctx.close();
  });

  test('field app: answers lost on the way back are resent without filing or uploading twice', async ({ browser, srv }) => {
    /* Only the page sends here (no service worker, so no background
     * sync racing it); the server does each request, the page never
     * hears back from the first filing and the first upload. */
    const ctx = await newContext(browser, { serviceWorkers: 'block' });
    const page = await ctx.newPage();
    const lost = { complaint: 0, photo: 0 };
    await ctx.route(/\/api\/v1\/complaints(\/[^/]+\/attachments)?$/, async (route) => {
      const kind = route.request().url().endsWith('/attachments') ? 'photo' : 'complaint';
      if (route.request().method() !== 'POST' || lost[kind]) return route.continue();
      lost[kind]++;
      await route.fetch();
      return route.abort('connectionreset');
    });
    await signIn(page, srv);
    const before = (await (await page.request.get(srv.base + '/api/v1/queue?limit=100')).json()).items.length;
    await report(page, 'road_damage', true);
    for (let t = 0; !lost.complaint && t < 100; t++) await page.waitForTimeout(100);
    for (let round = 0; round < 4 && !(await page.isHidden('#pending')); round++) {
      await until(page, () => !document.querySelector('#field-status').textContent.includes('…'));
      await page.evaluate(() => window.dispatchEvent(new Event('online')));
      await page.waitForTimeout(200);
    }
    await page.waitForSelector('#pending', { state: 'hidden', timeout: 10000 });
    assert(lost.complaint === 1 && lost.photo === 1, 'both answers were lost once: ' + JSON.stringify(lost));
    const queue = (await (await page.request.get(srv.base + '/api/v1/queue?limit=100')).json()).items;
    assert(queue.length === before + 1, `one complaint more, not ${queue.length - before}`);
    const road = queue.find((c) => c.category === 'road_damage').receipt_no;
    assert((await photos(srv, [road]))[road] === 1, 'one photo after the lost upload answer');
    await ctx.close();
  });

  test('field app without JavaScript: one report with a photo, sent twice, filed once', async ({ browser, srv }) => {
    const ctx = await newContext(browser, { javaScriptEnabled: false });
    const page = await ctx.newPage();
    await signIn(page, srv);
    const before = (await (await page.request.get(srv.base + '/api/v1/queue?limit=100')).json()).items.length;
    await page.setInputFiles('#f-photo', PHOTO);
    await page.check('#c-illegal_ads');
    await page.click('summary');
    await page.fill('#f-address', '역삼로 3길 앞 전봇대');
    const form = await page.evaluate(() => Object.fromEntries(['csrf', 'idem'].map((n) => [n, document.forms['field-form'].elements[n].value])));
    await page.click('#send');
    await page.waitForSelector('#field-done');
    assert((await page.textContent('#field-done')).includes('보냈습니다'), 'sent note');
    /* The same form once more (a double tap): nothing new. */
    const again = await page.request.post(srv.base + '/field', {
      multipart: { ...form, category: 'illegal_ads', address: '역삼로 3길 앞 전봇대' }, maxRedirects: 0,
    });
    assert(again.status() === 303, 'resend answered ' + again.status());
    const items = (await (await page.request.get(srv.base + '/api/v1/queue?limit=100')).json()).items;
    assert(items.length === before + 1, `one complaint, not ${items.length - before}`);
    await ctx.close();
  });
}
