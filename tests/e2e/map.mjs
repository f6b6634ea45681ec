/*
 * map.mjs - the public map (/map) in the browser: opted-in complaints
 * only, no personal data, filters with and without JavaScript, the list
 * still there when the map tiles cannot load (newContext aborts them),
 * axe in Korean, English and the easy view. Registered by run.mjs.
 */
export default function ({ test, assert, api, staff, axe, shot, newContext, HERE_LAT, HERE_LON }) {
  test('map: opted-in complaints only, filters, no personal data, list without tiles or JS', async ({ browser, srv }) => {
    const tag = 'M' + Date.now().toString(36);
    const file = async (title, category, publicMap, dlat) => {
      const r = await api(srv, 'POST', '/api/v1/complaints', {
        title, text: `${title} 비밀내용-${tag} 010-9876-5432`, category, channel: 'web',
        lat: HERE_LAT + dlat, lon: HERE_LON + dlat, contact: { name: '홍길동', phone: '010-9876-5432' },
        consent: { privacy: true, public_map: publicMap },
      });
      assert(r.status === 201, 'seed: ' + r.text);
      return r.json.receipt_no;
    };
    const lamp = `가로등 고장 ${tag}`, trash = `무단투기 ${tag}`, hidden = `비공개 ${tag}`;
    const lampNo = await file(lamp, 'streetlight', true, 0.001);
    await file(trash, 'illegal_dumping', true, -0.001);
    await file(hidden, 'streetlight', false, 0.0015);
    const act = await staff(srv);
    for (const [type, fields] of [['start', {}], ['answer', { text: '교체했습니다.' }]]) {
      const r = await act(lampNo, type, fields);
      assert(r.status === 200, `${type}: ${r.text}`);
    }

    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await page.goto(srv.base + '/map');
    await page.waitForSelector('#public-map.leaflet-container');
    await page.waitForSelector(`.leaflet-marker-icon[alt="${lamp}"]`, { timeout: 10000 });
    assert(await page.isVisible(`.leaflet-marker-icon[alt="${trash}"]`), 'marker of the other opted-in one');
    assert(!(await page.$(`.leaflet-marker-icon[alt="${hidden}"]`)), 'no marker for the one not opted in');
    const text = await page.textContent('main');
    assert(text.includes(lamp) && text.includes(trash), 'both listed');
    assert(!text.includes(hidden), 'not opted in: not listed');
    assert(!text.includes('비밀내용') && !text.includes('010-9876') && !text.includes('홍길동'), 'no personal data');
    await axe(page, 'map (ko)');
    await shot(page, 'map');
    /* A marker's popup, by keyboard. */
    await page.focus(`.leaflet-marker-icon[alt="${lamp}"]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.leaflet-popup-content');
    assert((await page.textContent('.leaflet-popup-content')).includes(lamp), 'popup names it');

    /* Filters without a reload: the markers and the list follow. */
    await page.selectOption('#f-category', 'streetlight');
    await page.click('#map-filter button');
    await page.waitForSelector(`.leaflet-marker-icon[alt="${trash}"]`, { state: 'detached' });
    assert(await page.isVisible(`.leaflet-marker-icon[alt="${lamp}"]`), 'streetlight kept');
    assert(!(await page.textContent('#map-list')).includes(trash), 'list filtered too');
    assert(page.url().includes('category=streetlight'), 'the address keeps the filter');
    await page.selectOption('#f-state', 'open');
    await page.click('#map-filter button');
    await page.waitForSelector(`.leaflet-marker-icon[alt="${lamp}"]`, { state: 'detached' });
    await page.selectOption('#f-state', 'done');
    await page.click('#map-filter button');
    await page.waitForSelector(`.leaflet-marker-icon[alt="${lamp}"]`);
    assert((await page.textContent('#map-list')).includes(lamp), 'answered: listed as done');
    for (const q of ['?lang=en', '?easy=1', '?lang=ko&easy=0']) {
      await page.goto(srv.base + '/map' + q);
      await page.waitForSelector('#public-map.leaflet-container');
      await axe(page, 'map ' + q);
    }
    await ctx.close();

    /* Without JavaScript: the same data as a list, the form filters. */
    const nojs = await newContext(browser, { javaScriptEnabled: false });
    const p2 = await nojs.newPage();
    await p2.goto(srv.base + '/map');
    assert(await p2.isHidden('#public-map'), 'no map without JS');
    let list = await p2.textContent('#map-list');
    assert(list.includes(lamp) && list.includes(trash) && !list.includes(hidden), 'list without JS');
    await p2.selectOption('#f-category', 'illegal_dumping');
    await Promise.all([p2.waitForURL(/category=illegal_dumping/), p2.click('#map-filter button')]);
    list = await p2.textContent('#map-list');
    assert(list.includes(trash) && !list.includes(lamp), 'filtered without JS');
    await nojs.close();
  });
}
