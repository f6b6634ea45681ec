/*
 * easy.mjs - journey 5: the easy view (쉬운 화면) end to end with the
 * keyboard only: switch it on, file a complaint one question per screen
 * (with a step back), then ask to be called back ("전화로 도와주세요"),
 * which staff find under the console's "전화 요청" filter, call (the
 * phone revealed with the logged reason) and close with "통화 완료";
 * voice input shown only where the browser can listen. axe on every
 * screen in Korean, English and the easy view. Registered by run.mjs.
 */
export default function ({ test, assert, api, cli, axe, shot, newContext, PASSWORD, PHOTO, HERE_LAT }) {
  let admin = false;

  /* An administrator sees every department's queue: the call-back's
   * department is the routing model's choice. Once per server. */
  async function adminPage(browser, srv) {
    if (!admin) {
      cli('user', 'add', 'callcenter', '--role', 'admin', '--password-stdin', '--db', srv.db,
          { input: PASSWORD + '\n' });
      admin = true;
    }
    const ctx = await newContext(browser, { viewport: { width: 1200, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(srv.base + '/staff/login?lang=ko&easy=0');
    await page.fill('#f-login', 'callcenter');
    await page.fill('#f-password', PASSWORD);
    await Promise.all([page.waitForSelector('.staff-nav'), page.click('#login-form button[type=submit]')]);
    return page;
  }

  const focused = (page, sel) => page.locator(sel).evaluate((e) => e === document.activeElement).catch(() => false);
  /* Presses Tab until sel has the focus: the control is reachable by keyboard. */
  async function tabTo(page, sel) {
    for (let i = 0; i < 40; i++) {
      if (await focused(page, sel)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`${sel} cannot be reached with Tab`);
  }
  /* Types into the screen's field, which has the focus when the screen
   * opens (autofocus; it may come a moment after the page). */
  async function typeAt(page, sel, text) {
    for (let i = 0; i < 40 && !(await focused(page, sel)); i++) await page.waitForTimeout(50);
    if (!(await focused(page, sel))) await tabTo(page, sel);
    await page.keyboard.type(text);
  }
  /* Presses the focused button and waits for the next screen. */
  async function press(page, sel, step) {
    await tabTo(page, sel);
    await page.keyboard.press('Enter');
    await page.locator(`input[name=step][value="${step}"]`).waitFor({ state: 'attached' });
  }
  /* The smallest text on the screen (the easy view promises 20 px). */
  async function smallestText(page) {
    return page.evaluate(() => {
      let min = 1000;
      for (const e of document.body.querySelectorAll('*')) {
        const own = Array.prototype.some.call(e.childNodes, (n) => n.nodeType === 3 && n.textContent.trim());
        if (own && e.getClientRects().length && !e.closest('.skip, [hidden]')) {
          min = Math.min(min, parseFloat(getComputedStyle(e).fontSize));
        }
      }
      return min;
    });
  }
  async function receipt(page) {
    await page.locator('#receipt-no').waitFor();
    return {
      receipt: (await page.textContent('#receipt-no')).trim(),
      token: (await page.textContent('#receipt-token')).trim(),
    };
  }

  test('journey 5: easy view with the keyboard only — one question per screen, and a call-back request', async ({ browser, srv }) => {
    const ctx = await newContext(browser);
    /* No speech recognition in this browser: the voice button stays hidden. */
    await ctx.addInitScript(() => { delete window.SpeechRecognition; delete window.webkitSpeechRecognition; });
    const page = await ctx.newPage();
    await page.goto(srv.base + '/');
    await tabTo(page, 'a.easy-switch');
    await page.keyboard.press('Enter');
    await page.locator('input[name=step][value=what]').waitFor({ state: 'attached' });
    assert(await page.evaluate(() => document.body.classList.contains('easy')), 'easy view on');
    assert(await smallestText(page) >= 20, `smallest text ${await smallestText(page)}px`);
    assert(await page.isHidden('#voice'), 'no voice button without speech recognition');
    assert((await page.textContent('.easy-progress')).includes('1 / 5'), 'step 1 of 5');
    await axe(page, 'easy: what (ko)');

    /* 1 what: an empty answer is not sent; the browser goes back to the field. */
    await tabTo(page, '#easy-next');
    await page.keyboard.press('Enter');
    assert(await focused(page, '#f-text'), 'back to the field');
    await typeAt(page, '#f-text', '우리 동네 공원 가로등이 일주일째 꺼져 있어서 밤에 다니기 무서워요');
    await press(page, '#easy-next', 'where');
    /* 2 where: typed, and "where I am now". */
    await typeAt(page, '#f-address', '역삼동 근린공원 정문');
    await tabTo(page, '#easy-locate');
    await page.keyboard.press('Enter');
    await page.locator('#easy-locate-status', { hasText: '함께 보냅니다' }).waitFor();
    await axe(page, 'easy: where');
    await shot(page, 'easy-step');
    await press(page, '#easy-next', 'contact');
    /* 3 contact. */
    await typeAt(page, '#f-phone', '010-5555-1234');
    await tabTo(page, '#f-name');
    await page.keyboard.type('김순자');
    await press(page, '#easy-next', 'consent');
    /* A step back keeps what was written. */
    await press(page, '#easy-back', 'contact');
    assert((await page.inputValue('#f-phone')) === '010-5555-1234', 'phone kept going back');
    await press(page, '#easy-next', 'consent');
    /* 4 consent. */
    await axe(page, 'easy: consent');
    assert(await smallestText(page) >= 20, 'consent: no text under 20 px');
    await typeAt(page, '#f-consent', ' ');
    assert(await page.isChecked('#f-consent'), 'agreed with Space');
    await press(page, '#easy-next', 'photo');
    /* 5 photo (optional), then file. */
    await axe(page, 'easy: photo');
    await tabTo(page, '#f-photo');
    await page.setInputFiles('#f-photo', PHOTO);
    await tabTo(page, '#easy-next');
    await page.keyboard.press('Enter');
    const filed = await receipt(page);
    await axe(page, 'easy: receipt');
    assert(await smallestText(page) >= 20, 'receipt: no text under 20 px');
    const c = await api(srv, 'GET', `/api/v1/complaints/${filed.receipt}?token=${filed.token}`);
    assert(c.status === 200, c.text);
    assert(c.json.text.includes('가로등'), 'the text');
    assert(c.json.location.address === '역삼동 근린공원 정문', 'the place');
    assert(Math.abs(c.json.location.lat - HERE_LAT) < 1e-3, 'where I was');
    assert(c.json.attachments.length === 1, 'the photo');
    assert(c.json.channel === 'web', 'channel web');

    /* "전화로 도와주세요": a call-back request, in English this time. */
    await page.goto(srv.base + '/easy?lang=en');
    await axe(page, 'easy: what (en)');
    await press(page, '#easy-call', 'call_phone');
    await axe(page, 'easy: call me back (en)');
    await typeAt(page, '#f-phone', '   ');
    await press(page, '#easy-next', 'call_phone');
    await page.locator('#easy-error').waitFor();
    assert((await page.getAttribute('#f-phone', 'aria-invalid')) === 'true', 'the field says so');
    await axe(page, 'easy: call me back, error');
    await typeAt(page, '#f-phone', '');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('010-7777-8888');
    await press(page, '#easy-next', 'call_topic');
    await typeAt(page, '#f-text', '기초연금 신청');
    await press(page, '#easy-next', 'call_consent');
    await typeAt(page, '#f-consent', ' ');
    await tabTo(page, '#easy-next');
    await page.keyboard.press('Enter');
    const call = await receipt(page);
    assert((await page.textContent('#receipt-callback')).includes('call you'), 'the receipt says a call will come');
    const cb = await api(srv, 'GET', `/api/v1/complaints/${call.receipt}?token=${call.token}`);
    assert(cb.json.callback === 'pending', 'a call-back request: ' + cb.json.callback);
    assert(cb.json.text === '기초연금 신청', 'the topic for staff: ' + cb.json.text);

    /* Staff: the "전화 요청" filter of the queue, with the keyboard. */
    const desk = await adminPage(browser, srv);
    await desk.goto(srv.base + '/staff');
    await tabTo(desk, '#q-callback');
    await desk.keyboard.press('Space');
    await tabTo(desk, '#q-apply');
    await Promise.all([desk.waitForURL(/callback=1/), desk.keyboard.press('Enter')]);
    const row = desk.locator('#queue tr', { hasText: call.receipt });
    assert(await row.count() === 1, 'the request is under 전화 요청');
    assert((await row.locator('.callback-badge').textContent()).includes('전화 요청'), 'badged');
    const rows = await desk.locator('#queue tbody tr').count();
    assert(await desk.locator('#queue tbody tr .callback-badge').count() === rows, 'only call-back requests listed');
    for (const q of ['lang=ko', 'lang=en', 'lang=ko&easy=1', 'easy=0']) {
      await desk.goto(srv.base + '/staff?callback=1&' + q);
      await axe(desk, `staff: 전화 요청 filter (${q})`);
    }
    await desk.goto(srv.base + '/staff?callback=1&lang=ko');
    await shot(desk, 'staff-callback');
    await Promise.all([desk.waitForURL(/\/staff\/c\//), row.locator('a').click()]);
    assert(await desk.isVisible('#case-callback-badge'), 'the complaint page shows the badge');
    assert((await desk.textContent('#contact-phone')).includes('****'), 'the phone is masked');
    await axe(desk, 'staff: call-back complaint (ko)');
    for (const q of ['lang=en', 'lang=ko&easy=1']) {
      await desk.goto(srv.base + `/staff/c/${call.receipt}?${q}`);
      await axe(desk, `staff: call-back complaint (${q})`);
    }
    await desk.goto(srv.base + `/staff/c/${call.receipt}?easy=0`);
    /* The number through the usual reveal: the reason is written in advance. */
    assert((await desk.inputValue('#f-reveal-reason')).length >= 2, 'a reason to call');
    await Promise.all([desk.waitForSelector('#contact-revealed'), desk.click('#reveal-submit')]);
    assert((await desk.textContent('#contact-phone')).includes('010-7777-8888'), 'the number to call');
    /* The call was made: 통화 완료 with a short note. */
    await desk.fill('#f-callback_done-text', '기초연금 신청 방법과 필요한 서류를 안내했습니다.');
    await Promise.all([desk.waitForURL(/done=callback_done/), desk.click('#callback_done-submit')]);
    assert((await desk.textContent('#case-note')).includes('통화 완료'), 'recorded');
    assert(!(await desk.isVisible('#case-callback-badge')), 'no longer waiting for a call');
    assert((await desk.textContent('#timeline')).includes('기초연금 신청 방법과 필요한 서류'), 'on the timeline');
    await axe(desk, 'staff: after 통화 완료');
    await desk.goto(srv.base + '/staff?callback=1');
    assert(await desk.locator('#queue tr', { hasText: call.receipt }).count() === 0, 'off the 전화 요청 filter');
    await desk.context().close();
    /* The citizen sees that the office called. */
    await page.goto(srv.base + '/track');
    assert((await page.textContent('#track-callback')).includes('called you'), 'track: the call came');
    assert((await page.textContent('body')).includes('기초연금 신청 방법과 필요한 서류'), 'track: the note');
    await axe(page, 'easy: track after the call (en)');
    await ctx.close();
  });

  test('easy view: voice input where the browser can listen', async ({ browser, srv }) => {
    const ctx = await newContext(browser);
    /* A stand-in for the browser's speech recognition that hears one sentence. */
    await ctx.addInitScript(() => {
      window.SpeechRecognition = window.webkitSpeechRecognition = function () {
        const rec = this;
        rec.start = () => setTimeout(() => {
          rec.onresult({ results: [[{ transcript: '횡단보도 신호등이 고장 났어요' }]] });
          rec.onend();
        }, 50);
      };
    });
    const page = await ctx.newPage();
    await page.goto(srv.base + '/easy?easy=1');
    await tabTo(page, '#voice');
    await page.keyboard.press('Enter');
    await page.locator('#voice-status', { hasText: '받아 적었습니다' }).waitFor();
    assert((await page.inputValue('#f-text')).includes('신호등이 고장'), 'heard into the field');
    await axe(page, 'easy: voice');
    await ctx.close();
  });
}
