/*
 * staff.mjs - the staff console (/staff) in the browser, registered by
 * run.mjs: journey 2 of issue #4 (sign in, correct the category with the
 * AI's one click, 보완, the citizen adds information on /track, answer
 * with a template, the citizen rates it unsatisfied, 재검토), reveal with
 * a reason, merge of a duplicate, the counsellor answering a chatbot
 * hand-off, a delay notice with its date and going on without 보완 (and
 * what the citizen reads of them), a 409 when someone else changed the
 * complaint, keyboard-only
 * use of the queue and the answer form, the inbox (알림 N in the menu, a
 * notice, 읽지 않은 것만, 모두 읽음으로 표시) by keyboard, XSS and CSRF, and axe
 * on every staff page in Korean, English and the easy view.
 *
 * People: "sanitation" (manager of 청소행정과) is added here; "officer"
 * (manager of 건설관리과) comes with run.mjs.
 */
import { readFileSync } from 'node:fs';

export default function ({ test, assert, api, staff, cli, axe, shot, newContext, PASSWORD, PHOTO,
                           HERE_LAT, HERE_LON }) {
  let added = false;

  /* The sanitation manager, once per server. */
  function people(srv) {
    if (added) return;
    cli('user', 'add', 'sanitation', '--role', 'manager', '--department', 'sanitation',
        '--password-stdin', '--db', srv.db, { input: PASSWORD + '\n' });
    added = true;
  }

  async function signIn(page, srv, login) {
    await page.goto(srv.base + '/staff/login');
    await page.fill('#f-login', login);
    await page.fill('#f-password', PASSWORD);
    await Promise.all([page.waitForSelector('.staff-nav'), page.click('#login-form button[type=submit]')]);
  }

  /* A staff browser: wide enough for the queue's table. */
  async function staffPage(browser, srv, login, opts = {}) {
    const ctx = await newContext(browser, { viewport: { width: 1200, height: 900 }, ...opts });
    const page = await ctx.newPage();
    await signIn(page, srv, login);
    return page;
  }

  /* Presses Tab until selector has the focus: proof that the keyboard
   * reaches it (at most `max` presses). */
  async function tabTo(page, selector, max = 250) {
    for (let i = 0; i < max; i++) {
      if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error('the keyboard never reached ' + selector);
  }

  async function file(srv, fields) {
    const r = await api(srv, 'POST', '/api/v1/complaints', {
      channel: 'web', consent: { privacy: true }, lat: HERE_LAT, lon: HERE_LON, ...fields,
    });
    assert(r.status === 201, 'filing: ' + r.text);
    return r.json;
  }

  test('staff: sign-in, journey 2 (AI correction, 보완 via /track, template answer, 재검토), keyboard only', async ({ browser, srv }) => {
    people(srv);
    /* Anonymous: the console sends people to the sign-in page. */
    const anon = await (await newContext(browser)).newPage();
    await anon.goto(srv.base + '/staff');
    assert(anon.url().endsWith('/staff/login'), 'anonymous → sign-in, got ' + anon.url());
    await anon.fill('#f-login', 'sanitation');
    await anon.fill('#f-password', 'wrong-password-1');
    await anon.click('#login-form button[type=submit]');
    await anon.waitForSelector('#e-login');
    await anon.context().close();

    /* The citizen files under the wrong category (수거, not 무단투기). */
    const cit = await (await newContext(browser)).newPage();
    await cit.goto(srv.base + '/');
    await cit.fill('#f-text', '우리 집 앞 골목에 누가 밤마다 쓰레기봉투와 헌 가구를 몰래 버리고 갑니다. 치워 주세요.');
    await cit.selectOption('#f-category', 'waste_collection');
    await cit.fill('#f-address', '역삼로 7길 3');
    await cit.check('#f-consent');
    await Promise.all([cit.waitForURL(/\/receipt$/), cit.click('button[type=submit].primary')]);
    const receipt = (await cit.textContent('#receipt-no')).trim();

    /* The manager signs in and templates an answer for 무단투기. */
    const page = await staffPage(browser, srv, 'sanitation');
    await page.goto(srv.base + '/staff/templates');
    await page.selectOption('#t-new-category', 'illegal_dumping');
    await page.fill('#t-new-title', '무단투기 수거 완료');
    await page.fill('#t-new-body', '신고하신 {위치}의 무단투기 쓰레기를 {날짜}에 수거했습니다. 감시 카메라 설치를 검토하겠습니다.');
    await Promise.all([page.waitForSelector('#tpl-note'), page.click('#tpl-add')]);

    /* The console's menu leads to the desk and the field app: a manager may
     * use both (the route table says who may). */
    await page.goto(srv.base + '/staff');
    assert(await page.isVisible('#nav-desk') && await page.isVisible('#nav-field'), 'the menu links /desk and /field');
    await Promise.all([page.waitForSelector('#desk-form'), page.click('#nav-desk')]);
    await page.goto(srv.base + '/staff');
    await Promise.all([page.waitForSelector('#field-app'), page.click('#nav-field')]);

    /* The queue, by keyboard only: filter to 접수, then open the complaint. */
    await page.goto(srv.base + '/staff');
    await tabTo(page, '#q-status');
    await page.keyboard.press('ArrowDown');               /* 처리할 민원 → 모든 상태 */
    await page.keyboard.press('ArrowDown');               /* → 접수 */
    assert((await page.inputValue('#q-status')) === 'received', 'status chosen by keyboard');
    await tabTo(page, '#q-apply');
    await Promise.all([page.waitForURL(/status=received/), page.keyboard.press('Enter')]);
    await axe(page, 'staff queue (ko)');
    await tabTo(page, `a[href="/staff/c/${receipt}"]`);
    await Promise.all([page.waitForSelector('#case-receipt'), page.keyboard.press('Enter')]);
    assert((await page.textContent('#case-receipt')).trim() === receipt, 'complaint page by keyboard');

    /* The AI's category and confidence; one click corrects the category. */
    assert((await page.textContent('#ai-category')).includes('무단투기'), 'the AI says 무단투기');
    assert(/\d+%/.test(await page.textContent('#ai-confidence')), 'confidence shown');
    await Promise.all([page.waitForSelector('#case-note'), page.click('#ai-apply')]);
    assert((await page.textContent('#case-category')).includes('무단투기'), 'category corrected');
    assert((await page.textContent('#timeline')).includes('분류 변경'), 'on the timeline');

    /* 처리 착수, then 보완 요청. */
    await Promise.all([page.waitForSelector('#case-note'), page.click('#start-submit')]);
    await page.click('#a-request_info summary');
    await page.fill('#f-request_info-text', '버려진 위치를 사진이나 자세한 주소로 알려 주세요.');
    await Promise.all([page.waitForURL(/done=request_info/), page.click('#request_info-submit')]);
    assert((await page.textContent('#case-status')).includes('보완'), 'status 보완요청');

    /* The citizen adds the information on /track. */
    await cit.goto(srv.base + '/track');
    assert((await cit.textContent('#track-status')).includes('보완'), 'the citizen sees 보완요청');
    await cit.fill('#f-message', '역삼로 7길 3, 파란 대문 앞 전봇대 옆입니다.');
    await Promise.all([cit.waitForURL(/done=message/), cit.click('#f-message ~ p button')]);

    /* The answer with the template, by keyboard only. */
    await page.goto(srv.base + `/staff/c/${receipt}`);
    assert((await page.textContent('#timeline')).includes('파란 대문'), 'the information reached staff');
    await axe(page, 'staff complaint page (ko)');
    await page.focus('body');
    await tabTo(page, '#f-template');
    await page.keyboard.press('ArrowDown');
    assert((await page.inputValue('#f-template')) !== '', 'template chosen by keyboard');
    await tabTo(page, '#load-template');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#f-answer-text').value.includes('무단투기 쓰레기를'));
    assert(await page.evaluate(() => document.activeElement.id === 'f-answer-text'), 'focus moves to the answer');
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('안녕하세요. ');
    await tabTo(page, '#answer-submit');
    await Promise.all([page.waitForURL(/done=answer/), page.keyboard.press('Enter')]);
    assert((await page.textContent('#case-status')).includes('답변'), 'answered');

    /* The citizen sees the answer, is not satisfied: 재검토. */
    await cit.goto(srv.base + '/track');
    assert((await cit.textContent('#track-answer')).includes('안녕하세요. 신고하신 {위치}의 무단투기'), 'the answer as sent');
    await cit.click('label[for=r1]');
    await cit.fill('#f-comment', '아직도 쓰레기가 그대로 있습니다.');
    await Promise.all([cit.waitForURL(/done=reopened/), cit.click('form[action="/track/rate"] button')]);
    assert((await cit.textContent('#track-status')).includes('재검토'), 'the citizen sees 재검토');
    await page.goto(srv.base + `/staff/c/${receipt}`);
    assert((await page.textContent('#case-status')).includes('재검토'), 'staff see 재검토');
    assert((await page.textContent('#timeline')).includes('아직도 쓰레기가'), 'with the comment');

    /* Sign out: the console is closed again. */
    await Promise.all([page.waitForURL(/\/staff\/login$/), page.click('#logout')]);
    await page.goto(srv.base + '/staff');
    assert(page.url().endsWith('/staff/login'), 'signed out');
    await cit.context().close();
    await page.context().close();
  });

  test('staff: reveal with a reason, merge a duplicate, 409 on a stale page', async ({ browser, srv }) => {
    const a = await file(srv, { text: '공원 입구 가로등 세 개가 모두 꺼져 있습니다', category: 'streetlight',
                                contact: { name: '이공개', phone: '010-2468-1357' } });
    const b = await file(srv, { text: '공원 입구 가로등 세 개가 꺼져 있어요', category: 'streetlight' });
    const up = await fetch(`${srv.base}/api/v1/complaints/${a.receipt_no}/attachments`, {
      method: 'POST', headers: { 'Content-Type': 'image/jpeg', 'X-Complaint-Token': a.token },
      body: readFileSync(PHOTO),
    });
    assert(up.status === 201, 'photo: ' + up.status);
    const page = await staffPage(browser, srv, 'officer');
    await page.goto(srv.base + `/staff/c/${a.receipt_no}`);
    assert((await page.textContent('#contact-phone')).includes('****'), 'masked at first');
    const img = await page.waitForSelector('a.photo img');
    assert(await img.evaluate((i) => i.complete && i.naturalWidth > 0), 'the staff copy of the photo');
    await page.locator('#case-map').scrollIntoViewIfNeeded();
    await page.waitForSelector('#case-map .leaflet-marker-icon', { timeout: 10000 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'staff-complaint');
    await page.fill('#f-reveal-reason', '현장 확인 일정 협의');
    await Promise.all([page.waitForSelector('#contact-revealed'), page.click('#reveal-submit')]);
    assert((await page.textContent('#contact-phone')).trim() === '010-2468-1357', 'revealed');
    await page.goto(srv.base + `/staff/c/${a.receipt_no}`);
    assert((await page.textContent('#contact-phone')).includes('****'), 'masked again on the next view');

    /* The second report is a duplicate of the first: merge it. */
    await page.goto(srv.base + `/staff/c/${b.receipt_no}`);
    const merge = page.locator(`#duplicates form:has(input[value="${a.receipt_no}"]) button`);
    assert(await merge.isVisible(), 'the first report is listed as a likely duplicate');
    await Promise.all([page.waitForURL(/done=merge/), merge.click()]);
    assert((await page.textContent('#case-status')).includes('병합'), 'merged');

    /* Someone else acts while this page is open: a clear 409. */
    await page.goto(srv.base + `/staff/c/${a.receipt_no}`);
    const act = await staff(srv);
    const r = await act(a.receipt_no, 'note', { text: '다른 직원이 먼저 남긴 메모' });
    assert(r.status === 200, 'note: ' + r.text);
    await page.click('#a-note summary');
    await page.fill('#f-note-text', '늦게 쓴 메모');
    await page.click('#note-submit');
    await page.waitForSelector('#case-error');
    assert((await page.textContent('#case-error')).includes('다른 사람이'), '409 says what happened');
    assert((await page.inputValue('#f-note-text')) === '늦게 쓴 메모', 'what was typed is kept');
    assert((await page.textContent('#timeline')).includes('다른 직원이 먼저'), 'the fresh state is shown');
    await axe(page, 'staff complaint page after a 409');
    await page.context().close();
  });

  test('staff: the counsellor answers a chatbot hand-off', async ({ browser, srv }) => {
    const chat = await api(srv, 'POST', '/api/v1/chat',
      { text: '동사무소 직원이 민원 서류를 던지듯이 주고 반말을 했습니다. 그 공무원을 정식으로 신고하고 싶어요.' });
    assert(chat.status === 200 && chat.json.kind === 'human', 'handed off: ' + chat.text);
    const page = await staffPage(browser, srv, 'officer');
    await page.goto(srv.base + '/staff/counsel');
    const link = page.locator('#counsel-list li', { hasText: '던지듯이' }).locator('a');
    await Promise.all([page.waitForSelector('#transcript'), link.click()]);
    assert((await page.textContent('#transcript')).includes('반말을 했습니다'), 'the transcript');
    await axe(page, 'counsel conversation (ko)');
    await page.fill('#f-reply', '불편을 드려 죄송합니다. 해당 직원의 응대를 확인한 뒤 내일 오전에 전화드리겠습니다.');
    await Promise.all([page.waitForURL(/done=replied/), page.click('#reply-submit')]);
    assert((await page.textContent('#counsel-note')).length > 0, 'sent');
    const t = await api(srv, 'GET', '/api/v1/chat?session=' + encodeURIComponent(chat.json.session));
    const last = t.json.messages[t.json.messages.length - 1];
    assert(last.from === 'staff' && last.text.includes('내일 오전에'), 'the citizen reads the answer');
    assert(t.json.waiting_for_staff === false, 'no longer waiting');
    await page.context().close();
  });

  test('staff: <script> in a complaint is text; a form without its token is refused', async ({ browser, srv }) => {
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)> 가로등 고장';
    const c = await file(srv, { text: evil, title: '<b onmouseover=alert(3)>가로등</b>', category: 'streetlight' });
    const page = await staffPage(browser, srv, 'officer');
    for (const p of ['/staff', `/staff/c/${c.receipt_no}`]) {
      await page.goto(srv.base + p);
      assert(!page.__dialogs, 'no script ran on ' + p);
      assert(await page.evaluate(() => document.querySelectorAll('main script, main img[src=x], main b').length === 0),
             'no injected elements on ' + p);
    }
    assert((await page.textContent('#case-text')).includes('<script>alert(1)</script>'), 'shown as text');
    const statuses = await page.evaluate(async (rn) => {
      const out = [];
      for (const csrf of [null, 'forged-token-value-000']) {
        const fd = new URLSearchParams({ type: 'start', version: '1' });
        if (csrf) fd.append('csrf', csrf);
        out.push((await fetch(`/staff/c/${rn}/act`, { method: 'POST', body: fd })).status);
      }
      return out;
    }, c.receipt_no);
    assert(statuses.every((s) => s === 403), 'refused: ' + statuses);
    await page.reload();
    assert((await page.textContent('#case-status')).includes('접수'), 'nothing happened');
    await page.context().close();
  });

  test('staff: a delay notice with its date, 보완 the office goes on without; the citizen reads both', async ({ browser, srv }) => {
    people(srv);
    const c = await file(srv, { text: '공원 입구 가로등 기둥이 녹슬어 부러질 것 같습니다', category: 'streetlight' });
    const page = await staffPage(browser, srv, 'officer');
    await page.goto(srv.base + `/staff/c/${c.receipt_no}`);
    await Promise.all([page.waitForSelector('#case-note'), page.click('#start-submit')]);

    /* 지연 사유 안내: a reason and a day, by keyboard into the date field. */
    const due = new Date((await api(srv, 'GET', `/api/v1/complaints/${c.receipt_no}?token=${c.token}`)).json.due_at);
    const day = new Date(due.getTime() + 7 * 86400e3 + 9 * 3600e3).toISOString().slice(0, 10);
    await page.click('#a-delay_notice summary');
    await page.fill('#f-delay_notice-text', '가로등 기둥 교체 부품이 늦게 들어옵니다.');
    await page.fill('#f-delay_notice-expected_at', day);
    assert((await page.inputValue('#f-delay_notice-expected_at')) === day, 'the date field took the day');
    await Promise.all([page.waitForURL(/done=delay_notice/), page.click('#delay_notice-submit')]);
    const tl = await page.textContent('#timeline');
    assert(tl.includes('지연 사유 안내') && tl.includes('처리 예정일'), 'on the timeline with its date: ' + tl);
    await axe(page, 'staff complaint page after a delay notice');

    /* 보완: its deadline shown; the office goes on without it. */
    await page.click('#a-request_info summary');
    await page.fill('#f-request_info-text', '기둥에 붙은 관리번호를 알려 주세요.');
    await Promise.all([page.waitForURL(/done=request_info/), page.click('#request_info-submit')]);
    assert((await page.textContent('#case-info-due')).trim() !== '', 'the 보완 deadline is shown');
    assert(!(await page.$('#a-close')), 'no closing before the citizen\'s time is up');
    await page.click('#a-resume summary');
    await page.fill('#f-resume-text', '현장에서 관리번호를 확인했습니다.');
    await Promise.all([page.waitForURL(/done=resume/), page.click('#resume-submit')]);
    assert((await page.textContent('#case-status')).includes('처리중'), 'in progress again');

    /* The citizen reads the reason and the date on /track. */
    const cit = await (await newContext(browser)).newPage();
    await cit.goto(srv.base + '/track');
    await cit.fill('#f-receipt', c.receipt_no);
    await cit.fill('#f-token', c.token);
    await Promise.all([cit.waitForSelector('#track-status'), cit.click('#track-form button[type=submit]')]);
    const moves = await cit.textContent('body');
    assert(moves.includes('가로등 기둥 교체 부품이 늦게 들어옵니다.') && moves.includes('처리 예정일:'),
           'the citizen reads why and when');
    assert(moves.includes('처리 재개'), 'and that the office went on');
    await axe(cit, 'track page with a delay notice');
    await cit.context().close();
    await page.context().close();
  });

  test('staff: the inbox by keyboard (알림 N in the menu, a notice, mark all read)', async ({ browser, srv }) => {
    const c = await file(srv, { title: '<b>가로등</b> 기둥 기울어짐', category: 'streetlight', urgent: true,
                                text: '버스정류장 옆 가로등 기둥이 기울어져 쓰러질 것 같습니다.' });
    const page = await staffPage(browser, srv, 'officer');
    await page.goto(srv.base + '/staff?lang=ko&easy=0');
    /* "알림 3": the number is seen, and heard as "읽지 않은 알림 3건". */
    const count = Number((await page.textContent('#nav-inbox .nav-count')).trim());
    assert(count >= 1, 'the menu counts unread notices, got ' + count);
    assert(await page.getByRole('link', { name: `알림 읽지 않은 알림 ${count}건` }).isVisible(),
           'the menu item is named with its count');
    await tabTo(page, '#nav-inbox');
    await Promise.all([page.waitForURL(/\/staff\/inbox$/), page.keyboard.press('Enter')]);
    const notice = page.locator('#inbox li.unread', { hasText: `긴급 민원: ${c.receipt_no}` });
    assert(await notice.count() === 1, 'the urgent notice is listed, unread');
    assert((await notice.locator('.unread-badge').textContent()).includes('새 알림'), 'unread in words');
    assert((await notice.textContent()).includes('<b>가로등</b>'), 'the citizen\'s title as text');
    assert(/\d{4}년 \d{1,2}월 \d{1,2}일 \(.\) 오[전후] \d{1,2}:\d{2}/.test(await notice.locator('time').textContent()),
           'the time in Korean');
    await axe(page, 'staff inbox (ko)');
    await shot(page, 'staff-inbox');
    /* "읽지 않은 것만" by keyboard. */
    await tabTo(page, '#i-unread');
    await page.keyboard.press('Space');
    await tabTo(page, '#i-apply');
    await Promise.all([page.waitForURL(/unread=1/), page.keyboard.press('Enter')]);
    assert(await page.locator('#inbox li:not(.unread)').count() === 0, 'only unread notices');
    /* The notice leads to its complaint. */
    await tabTo(page, `#inbox a[href="/staff/c/${c.receipt_no}"]`);
    await Promise.all([page.waitForSelector('#case-receipt'), page.keyboard.press('Enter')]);
    assert((await page.textContent('#case-receipt')).trim() === c.receipt_no, 'the complaint from its notice');
    await page.goBack();
    /* 모두 읽음으로 표시, without JavaScript's help: a form and a redirect. */
    await tabTo(page, '#mark-all');
    await Promise.all([page.waitForURL(/done=all_read/), page.keyboard.press('Enter')]);
    assert((await page.textContent('#inbox-note')).includes('모든 알림을 읽음으로 표시했습니다'), 'said so');
    assert(await page.locator('#inbox li.unread').count() === 0, 'nothing unread');
    assert(await page.locator('#nav-inbox .nav-count').count() === 0, 'no number in the menu');
    await page.goto(srv.base + '/staff/inbox');
    assert(await page.locator(`#inbox li:not(.unread)`, { hasText: c.receipt_no }).count() === 1, 'kept, read');
    await axe(page, 'staff inbox, all read (ko)');
    await page.context().close();
  });

  test('staff: axe on every staff page (ko, en, easy)', async ({ browser, srv }) => {
    people(srv);
    const c = await file(srv, { text: '놀이터 옆 가로등이 깜빡거립니다', category: 'streetlight',
                                contact: { phone: '010-1111-2222' } });
    await file(srv, { text: '교차로 가로등 기둥이 기울어져 쓰러질 것 같습니다. 지나가는 사람이 다칠까 걱정됩니다.',
                      category: 'streetlight', urgent: true });
    const act = await staff(srv);
    const busy = await file(srv, { text: '아파트 정문 앞 보안등이 며칠째 켜지지 않아요', category: 'streetlight' });
    await act(busy.receipt_no, 'start');
    const asked = await file(srv, { text: '가로등이 낮에도 켜져 있습니다', category: 'streetlight' });
    await act(asked.receipt_no, 'start');
    await act(asked.receipt_no, 'request_info', { text: '가로등 번호를 알려 주세요.' });
    await api(srv, 'POST', '/api/v1/chat', { text: '담당 공무원이 불친절했어요. 항의하고 싶습니다.' });
    const login = await (await newContext(browser)).newPage();
    for (const q of ['?lang=ko&easy=0', '?lang=en', '?easy=1']) {
      await login.goto(srv.base + '/staff/login' + q);
      await axe(login, 'staff sign-in ' + q);
    }
    await login.context().close();
    const page = await staffPage(browser, srv, 'officer');
    await page.goto(srv.base + '/staff/counsel');
    const conv = await page.getAttribute('#counsel-list a', 'href');
    const pages = ['/staff', '/staff?due=overdue&urgent=1', `/staff/c/${c.receipt_no}`, '/staff/dashboard',
                   '/staff/templates', '/staff/counsel', conv, '/staff/inbox', '/staff/inbox?unread=1'];
    for (const q of ['lang=ko&easy=0', 'lang=en', 'easy=1']) {
      for (const p of pages) {
        await page.goto(srv.base + p + (p.includes('?') ? '&' : '?') + q);
        if (p.startsWith('/staff/c/')) {
          /* With the map loaded (Leaflet, no tiles). */
          await page.locator('#case-map').scrollIntoViewIfNeeded();
          await page.waitForSelector('#case-map.leaflet-container', { timeout: 10000 });
        }
        await axe(page, `${p} (${q})`);
      }
    }
    await page.goto(srv.base + '/staff?lang=ko&easy=0');
    await shot(page, 'staff-queue');
    await page.goto(srv.base + '/staff/dashboard');
    await shot(page, 'staff-dashboard');
    /* The English console speaks English. */
    await page.goto(srv.base + '/staff?lang=en');
    assert((await page.textContent('h1')).includes('Work queue'), 'English heading');
    await page.goto(srv.base + '/staff?lang=ko');
    await page.context().close();
  });
}
