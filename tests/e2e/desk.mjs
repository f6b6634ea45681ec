/*
 * desk.mjs - journey 4 of the browser tests: desk staff, brought to the
 * form by the staff entrance, file for a visitor and a caller with the
 * keyboard only (the visitor asks to be called back), look up the
 * person's earlier complaints by phone, and print the receipt (A4 and an
 * 80 mm roll) through chromium's own print to PDF; then print again the
 * receipt of the earlier complaint from the lookup (no access code: its QR
 * code opens tracking by phone). axe in Korean, English and the easy view.
 * Registered by run.mjs.
 */

const VISITOR_PHONE = '010-5555-1234';

/* The page size of a PDF's first page, in points. */
function pdfPageSize(pdf) {
  const m = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString('latin1'));
  return m ? [parseFloat(m[1]), parseFloat(m[2])] : null;
}

export default function ({ test, api, cli, axe, shot, until, newContext, assert, PASSWORD }) {
  const count = (page, sel) => page.evaluate((s) => document.querySelectorAll(s).length, sel);

  /* The staff entrance brings the desk to its form. */
  async function signIn(page, base) {
    await page.goto(base + '/desk');
    assert(page.url().endsWith('/staff/login'), 'a visitor of /desk is sent to sign in: ' + page.url());
    await page.fill('#f-login', 'desk1');
    await page.fill('#f-password', PASSWORD);
    await page.click('#login-form button');
    await page.waitForSelector('#desk-form');
  }

  test('journey 4: desk files for a visitor with the keyboard only, looks up by phone, prints the receipt', async ({ browser, srv }) => {
    /* The visitor filed once before, online. */
    const earlier = await api(srv, 'POST', '/api/v1/complaints', {
      text: '지난주에 신고한 가로등 고장입니다', category: 'streetlight', channel: 'web',
      contact: { phone: VISITOR_PHONE }, consent: { privacy: true },
    });
    assert(earlier.status === 201, 'earlier complaint: ' + earlier.text);
    cli('user', 'add', 'desk1', '--role', 'desk', '--password-stdin', '--db', srv.db, { input: PASSWORD + '\n' });
    const ctx = await newContext(browser, { viewport: { width: 1024, height: 900 } });
    const page = await ctx.newPage();
    await signIn(page, srv.base);
    await axe(page, 'desk (ko)');

    /* Keyboard only from here: the phone field has the focus. */
    await until(page, () => document.activeElement.id === 'f-phone');
    await page.keyboard.type(VISITOR_PHONE);
    await Promise.all([page.waitForSelector('#lookup-result'), page.keyboard.press('Enter')]);
    const found = await page.textContent('#lookup-result');
    assert(found.includes(earlier.json.receipt_no), 'the lookup finds the earlier complaint');
    await until(page, () => document.activeElement.id === 'f-name');   /* the focus moves on to the name */
    assert((await page.inputValue('#f-phone')) === VISITOR_PHONE, 'phone kept');
    await axe(page, 'desk with the lookup (ko)');
    await shot(page, 'desk');
    await page.keyboard.type('홍길동');
    await page.keyboard.press('Tab');
    await page.keyboard.type('우리 집 앞 하수구 뚜껑이 깨져서 아이들이 빠질까 걱정됩니다.');
    await page.keyboard.press('Tab');            /* category: automatic */
    await page.keyboard.press('Tab');            /* address */
    await page.keyboard.type('역삼로 12길 7');
    await page.keyboard.press('Tab');            /* urgent: no */
    await page.keyboard.press('Tab');            /* a call back: yes */
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');            /* consent */
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');            /* 접수하기 */
    assert(await page.evaluate(() => document.activeElement.id) === 'desk-file', 'the file button is next');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#receipt-no');
    const receipt = (await page.textContent('#receipt-no')).trim();
    assert(/^\d{4}-\d{6}$/.test(receipt), 'receipt number ' + receipt);
    assert(!page.url().includes(receipt), 'nothing of the complaint in the URL');
    assert(await page.isVisible('svg.qr'), 'QR code');
    assert((await page.textContent('#receipt-due')).trim() !== '', 'due date');
    assert((await page.textContent('.how')).includes('120'), 'how to track by phone');
    await until(page, () => document.activeElement.id === 'print');    /* the print button has the focus */
    /* Filed once, on the visit channel, by this desk. */
    const queue = await page.request.get(srv.base + '/api/v1/queue');
    const mine = (await queue.json()).items.filter((i) => i.receipt_no === receipt);
    assert(mine.length === 1 && mine[0].channel === 'visit', 'filed as a visit: ' + JSON.stringify(mine));
    assert(mine[0].callback === 'pending', 'with a call-back request: ' + JSON.stringify(mine));
    assert((await page.textContent('#receipt-callback')).includes('전화드립니다'), 'the receipt says a call will come');
    await axe(page, 'desk receipt (ko)');
    await shot(page, 'desk-receipt');

    /* The print: the browser's own PDF, A4, with the page chrome hidden. */
    await page.emulateMedia({ media: 'print' });
    assert(await page.isHidden('header.site') && await page.isHidden('.paper-choice'), 'no header or buttons in print');
    assert((await page.textContent('#receipt-no')).trim() === receipt && await page.isVisible('#receipt-no'),
           'the receipt number is printed');
    const a4 = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    const [w, h] = pdfPageSize(a4) || [];
    assert(a4.length > 5000 && a4.subarray(0, 5).toString() === '%PDF-', 'an A4 PDF: ' + a4.length + ' bytes');
    assert(Math.abs(w - 595.3) < 2 && Math.abs(h - 841.9) < 2, `A4 page: ${w} x ${h} pt`);
    await page.emulateMedia({ media: 'screen' });
    await page.click('a[href="/desk/receipt?paper=80"]');
    await page.waitForURL(/paper=80$/);
    await page.emulateMedia({ media: 'print' });
    const roll = await page.pdf({ preferCSSPageSize: true });
    const [rw] = pdfPageSize(roll) || [];
    assert(Math.abs(rw - 226.8) < 2, `80 mm roll: ${rw} pt wide`);
    assert((await page.textContent('#receipt-no')).trim() === receipt, 'the roll shows the receipt number');
    await page.setViewportSize({ width: 302, height: 900 });   /* 80 mm at 96 dpi */
    await shot(page, 'desk-receipt-80mm');
    await page.setViewportSize({ width: 1024, height: 900 });
    await page.emulateMedia({ media: 'screen' });
    for (const q of ['?lang=en', '?easy=1', '?lang=ko&easy=0']) {
      await page.goto(srv.base + '/desk/receipt' + q);
      await axe(page, 'desk receipt ' + q);
    }

    /* The receipt of an earlier filing, printed again from the lookup: the
     * number, due date and a QR code for tracking by phone, no access code
     * (only its digest is stored), the same print CSS. */
    await page.goto(srv.base + '/desk');
    await page.fill('#f-phone', VISITOR_PHONE);
    await Promise.all([page.waitForSelector('#lookup-result'), page.press('#f-phone', 'Enter')]);
    const row = page.locator('#lookup-result tbody tr', { hasText: earlier.json.receipt_no });
    assert(await row.count() === 1, 'the earlier filing is listed once');
    await Promise.all([page.waitForURL(/\/desk\/reprint$/), row.locator('button.reprint').click()]);
    assert((await page.textContent('#receipt-no')).trim() === earlier.json.receipt_no, 'the earlier receipt number');
    assert(!page.url().includes(earlier.json.receipt_no) && !page.url().includes('5555'), 'nothing of it in the URL');
    assert(await page.isVisible('svg.qr'), 'QR code on the reprint');
    assert(await count(page, '#receipt-token') === 0, 'no access code on the reprint');
    assert(!(await page.content()).includes(earlier.json.token), 'the old access code is nowhere');
    assert((await page.textContent('#receipt-due')).trim() !== '', 'due date on the reprint');
    assert(await page.isVisible('#reprinted'), 'marked as a reprint');
    await axe(page, 'desk reprint (ko)');
    await shot(page, 'desk-reprint');
    await page.emulateMedia({ media: 'print' });
    assert(await page.isHidden('#reprint-note') && await page.isHidden('header.site'), 'only the slip is printed');
    const reA4 = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    const [raw, rah] = pdfPageSize(reA4) || [];
    assert(reA4.subarray(0, 5).toString() === '%PDF-' && Math.abs(raw - 595.3) < 2 && Math.abs(rah - 841.9) < 2,
           `the reprint on A4: ${raw} x ${rah} pt`);
    await page.emulateMedia({ media: 'screen' });
    await page.click('a[href="/desk/reprint?paper=80"]');
    await page.waitForURL(/paper=80$/);
    await page.emulateMedia({ media: 'print' });
    const [rrw] = pdfPageSize(await page.pdf({ preferCSSPageSize: true })) || [];
    assert(Math.abs(rrw - 226.8) < 2, `the reprint on the 80 mm roll: ${rrw} pt wide`);
    await page.emulateMedia({ media: 'screen' });
    for (const q of ['?lang=en', '?easy=1', '?lang=ko&easy=0']) {
      await page.goto(srv.base + '/desk/reprint' + q);
      assert((await page.textContent('#receipt-no')).trim() === earlier.json.receipt_no, 'reprint ' + q);
      await axe(page, 'desk reprint ' + q);
    }
    /* Its QR code opens tracking by phone with the number filled in. */
    const citizen = await newContext(browser);
    const scan = await citizen.newPage();
    await scan.goto(srv.base + '/track#' + earlier.json.receipt_no);
    await until(scan, () => document.activeElement.id === 'f-phone');
    assert((await scan.inputValue('#f-receipt2')) === earlier.json.receipt_no, 'the receipt number filled in');
    assert(!scan.url().includes('#'), 'the fragment is dropped');
    await citizen.close();

    /* A caller, by phone: the channel chosen with the arrow keys. */
    await page.goto(srv.base + '/desk');
    await until(page, () => document.activeElement.id === 'f-phone');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('ArrowRight');
    assert(await page.isChecked('#f-channel-phone'), 'phone channel chosen');
    await page.keyboard.press('Tab');
    await page.keyboard.type('010-7777-8888');
    await page.keyboard.press('Tab');            /* lookup button */
    await page.keyboard.press('Tab');            /* name */
    await page.keyboard.press('Tab');            /* text */
    await page.keyboard.type('공원 벤치가 부서졌다는 전화 민원입니다.');
    await page.keyboard.press('Tab');            /* category */
    await page.keyboard.press('Tab');            /* address */
    await page.keyboard.press('Tab');            /* urgent */
    await page.keyboard.press('Tab');            /* a call back: no */
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');          /* consent */
    await page.focus('#f-text');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('#receipt-no');
    const second = (await page.textContent('#receipt-no')).trim();
    assert(second !== receipt, 'a second complaint');
    const q2 = await (await page.request.get(srv.base + '/api/v1/queue')).json();
    assert(q2.items.find((i) => i.receipt_no === second).channel === 'phone', 'filed as a phone call');
    assert(q2.items.find((i) => i.receipt_no === second).callback === null, 'no call-back asked');

    /* Errors come back tied to their fields, with what was typed. */
    await page.goto(srv.base + '/desk?lang=en');
    await page.fill('#f-phone', '12');
    await page.fill('#f-text', 'A phone number that is not one');
    await page.check('#f-consent');
    await page.click('#desk-file');
    await page.waitForSelector('#error-summary');
    assert((await page.getAttribute('#f-phone', 'aria-invalid')) === 'true', 'phone marked invalid');
    assert((await page.inputValue('#f-text')).includes('not one'), 'text kept');
    await axe(page, 'desk with errors (en)');
    await page.goto(srv.base + '/desk?easy=1');
    await axe(page, 'desk (en, easy)');
    await page.goto(srv.base + '/desk?lang=ko');
    await axe(page, 'desk (ko, easy)');
    await page.goto(srv.base + '/desk?easy=0');
    await ctx.close();
  });
}
