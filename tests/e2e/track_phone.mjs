/*
 * track_phone.mjs - /track by receipt number + phone with a one-time code
 * in the browser: "인증번호 보내기", the code from the text message (run.mjs's
 * stand-in SMS gateway), a wrong code tied to its field, then the
 * complaint; keyboard only, axe on every step, and the same without
 * JavaScript. Registered by run.mjs.
 */
export default function ({ test, assert, api, axe, shot, newContext }) {
  const PHONE = '010-3141-5926';

  async function codeFor(srv, receipt, n) {
    for (let i = 0; i < 200; i++) {
      const got = srv.sms.filter((m) => m.text.includes(receipt) && /\[\d{6}\]/.test(m.text));
      if (got.length >= n) return /\[(\d{6})\]/.exec(got[n - 1].text)[1];
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('no code SMS for ' + receipt);
  }

  async function fileWithPhone(srv, title) {
    const r = await api(srv, 'POST', '/api/v1/complaints', {
      title, text: `${title}: 확인 부탁드립니다.`, category: 'streetlight', channel: 'web',
      contact: { name: '홍길동', phone: PHONE }, notify: { channels: ['sms'] },
      consent: { privacy: true },
    });
    assert(r.status === 201, 'seed: ' + r.text);
    return r.json.receipt_no;
  }

  async function byPhone(page, srv, receipt, n, { wrongFirst = false } = {}) {
    await page.goto(srv.base + '/track');
    await page.focus('#f-receipt2');
    await page.keyboard.type(receipt);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PHONE);
    await Promise.all([page.waitForSelector('#code-sent'), page.keyboard.press('Enter')]);
    assert(page.url().endsWith('/track/code'), 'no phone number in the address: ' + page.url());
    const code = await codeFor(srv, receipt, n);
    if (wrongFirst) {
      await axe(page, 'track: code step');
      await page.fill('#f-code', String((Number(code) + 1) % 1000000).padStart(6, '0'));
      await Promise.all([page.waitForSelector('#e-phone'), page.press('#f-code', 'Enter')]);
      assert((await page.getAttribute('#f-code', 'aria-describedby')).includes('e-phone'), 'error tied to the code field');
      await axe(page, 'track: wrong code');
      await shot(page, 'track-code');
    }
    await page.fill('#f-code', code);
    await Promise.all([page.waitForURL(/\/track$/), page.press('#f-code', 'Enter')]);
    await page.waitForSelector('#track-receipt');
    assert((await page.textContent('#track-receipt')).trim() === receipt, 'the complaint is open');
  }

  test('track by phone: code by SMS, wrong code, then the complaint (keyboard, axe)', async ({ browser, srv }) => {
    const receipt = await fileWithPhone(srv, '가로등 고장 (휴대전화 조회)');
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await page.goto(srv.base + '/track');
    assert(await page.isVisible('#phone-form'), 'the second way in is there');
    await byPhone(page, srv, receipt, 1, { wrongFirst: true });
    await axe(page, 'track (opened by phone)');
    await ctx.close();
  });

  test('track by phone without JavaScript (en)', async ({ browser, srv }) => {
    const receipt = await fileWithPhone(srv, 'Streetlight out (tracked by phone)');
    const ctx = await newContext(browser, { javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(srv.base + '/track?lang=en');
    assert((await page.textContent('#phone-h')).includes('Find it by phone'), 'English heading');
    await byPhone(page, srv, receipt, 1);
    await ctx.close();
  });
}
