/*
 * admin.mjs - the admin pages (/admin) in the browser: an administrator
 * signs in, adds a user and a holiday, moves a category to another
 * department with a new period (the next complaint filed in it gets that
 * department, and the holiday moves its due date), adds an FAQ entry the
 * chatbot answers with at once (API and /chat), and an answer template; a form done with
 * the keyboard alone; <script> shown as text and CSRF refused; two
 * administrators editing one department (the second is told to reload), a
 * delete refused while the department is in use, a department and a
 * holiday deleted; axe on every admin page in Korean, English and the easy
 * view. Registered by run.mjs.
 */
const ADMIN = 'e2e-admin';

export default function ({ test, assert, api, cli, axe, shot, newContext, PASSWORD }) {
  let adminMade = false;

  /* A browser signed in as the administrator through the staff sign-in page. */
  async function signedIn(browser, srv, opts) {
    if (!adminMade) {
      cli('user', 'add', ADMIN, '--role', 'admin', '--password-stdin', '--db', srv.db,
          { input: PASSWORD + '\n' });
      adminMade = true;
    }
    const ctx = await newContext(browser, opts);
    const page = await ctx.newPage();
    await page.goto(srv.base + '/admin');
    assert(page.url().endsWith('/staff/login'), 'anonymous: to the sign-in page, got ' + page.url());
    await page.fill('#f-login', ADMIN);
    await page.fill('#f-password', PASSWORD);
    await Promise.all([page.waitForURL(/\/staff$/), page.click('#login-form button')]);
    return { ctx, page };
  }

  async function submit(page, form) {
    await Promise.all([page.waitForNavigation(), page.click(`#${form}-submit`)]);
  }

  /* YYYY-MM-DD of the first weekday after today (KST) that is no holiday yet. */
  async function nextWorkingDay(page, srv) {
    const day = 86400000;
    for (let t = Date.now() + 9 * 3600000 + day; ; t += day) {
      const d = new Date(t);
      if (d.getUTCDay() === 0 || d.getUTCDay() === 6) continue;
      const iso = d.toISOString().slice(0, 10);
      const r = await page.request.get(`${srv.base}/api/v1/admin/holidays?year=${iso.slice(0, 4)}`);
      if (!(await r.json()).items.some((h) => h.date === iso)) return iso;
    }
  }

  async function file(srv, category, text) {
    const r = await api(srv, 'POST', '/api/v1/complaints', {
      text, category, channel: 'web', consent: { privacy: true },
    });
    assert(r.status === 201, 'filing: ' + r.text);
    return r.json;
  }

  test('admin: a user, a holiday, a category moved with a new period, an FAQ the chatbot answers at once, a template', async ({ browser, srv }) => {
    const { ctx, page } = await signedIn(browser, srv);
    await page.goto(srv.base + '/admin');
    await axe(page, 'admin index (ko)');

    /* A user. */
    await page.goto(srv.base + '/admin/users');
    await page.fill('#add-login', 'e2e-park');
    await page.fill('#add-name', '박현장');
    await page.selectOption('#add-role', 'officer');
    await page.selectOption('#add-department', 'road');
    await page.fill('#add-password', PASSWORD);
    await submit(page, 'add');
    await page.waitForSelector('#done');
    assert((await page.textContent('#list')).includes('박현장'), 'the new user is listed');
    /* The same login again: the error stands at its field. */
    await page.fill('#add-login', 'e2e-park');
    await page.selectOption('#add-role', 'desk');
    await page.fill('#add-password', PASSWORD);
    await submit(page, 'add');
    await page.waitForSelector('#add-login-error');
    assert((await page.getAttribute('#add-login', 'aria-describedby')).includes('add-login-error'), 'error tied to the field');
    assert((await page.getAttribute('#add-login', 'aria-invalid')) === 'true', 'field marked invalid');
    await axe(page, 'users with an error');
    const signIn = await api(srv, 'POST', '/api/v1/session', { login: 'e2e-park', password: PASSWORD });
    assert(signIn.status === 200 && signIn.json.role === 'officer', 'the new user signs in: ' + signIn.text);

    /* The category moves to another department with a period of 2 days. */
    await page.goto(srv.base + '/admin/categories/noise');
    await page.selectOption('#edit-department', 'road');
    await page.fill('#edit-period', '2');
    await page.selectOption('#edit-period_unit', 'd');
    await submit(page, 'edit');
    await page.waitForSelector('#done');
    assert((await page.textContent('#cat-noise .dept')).trim() === '도로과', 'listed with the new department');
    await shot(page, 'admin-categories');
    const before = await file(srv, 'noise', '밤마다 공사장 소음이 심합니다 (관리 화면 시험 1)');
    assert(before.department === 'road', 'filed with the new department: ' + before.department);
    const status = await api(srv, 'GET', `/api/v1/complaints/${before.receipt_no}?token=${before.token}`);
    assert(status.json.period === '2d', 'filed with the new period: ' + status.json.period);

    /* A 임시공휴일 on the next working day: the next complaint is due a day later. */
    const holiday = await nextWorkingDay(page, srv);
    await page.goto(`${srv.base}/admin/holidays?year=${holiday.slice(0, 4)}`);
    await page.fill('#add-date', holiday);
    await page.fill('#add-name', '관리화면 시험일');
    await page.check('#add-temporary');
    await submit(page, 'add');
    await page.waitForSelector(`#h-${holiday}`);
    assert((await page.textContent(`#h-${holiday}`)).includes('관리화면 시험일(임시공휴일)'), 'holiday listed as temporary');
    const after = await file(srv, 'noise', '밤마다 공사장 소음이 심합니다 (관리 화면 시험 2)');
    assert(Date.parse(after.due_at) > Date.parse(before.due_at),
           `the holiday moves the due date: ${before.due_at} -> ${after.due_at}`);

    /* An FAQ entry: the chatbot answers with it at once. */
    const question = '구청 공영주차장은 주말에도 무료로 열려 있나요?';
    const answer = '주말과 공휴일에는 구청 공영주차장을 무료로 개방합니다.';
    const ask = { text: '주말에 구청 공영주차장 무료인가요?' };
    assert((await api(srv, 'POST', '/api/v1/chat', ask)).json.answer !== answer, 'not known before');
    await page.goto(srv.base + '/admin/faq');
    await page.fill('#add-question', question);
    await page.fill('#add-answer', answer);
    await submit(page, 'add');
    await page.waitForSelector('#done');
    const chat = await api(srv, 'POST', '/api/v1/chat', ask);
    assert(chat.json.kind === 'faq' && chat.json.answer === answer, 'the chatbot answers from the new entry: ' + chat.text);
    /* And on the chatbot's page. */
    await page.goto(srv.base + '/chat');
    const said = await page.locator('#chat-log > li').count();
    await page.fill('#f-say', ask.text);
    await page.press('#f-say', 'Enter');
    await page.locator('#chat-log > li').nth(said + 1).waitFor();
    assert((await page.locator('#chat-log > li.bot').last().textContent()).includes(answer), 'answered on /chat');

    /* An answer template, then edited. */
    await page.goto(srv.base + '/admin/templates');
    await page.fill('#add-title', '소음 측정 안내');
    await page.selectOption('#add-category', 'noise');
    await page.fill('#add-body', '{날짜}에 소음을 측정하고 결과를 알려 드리겠습니다.');
    await submit(page, 'add');
    await page.waitForSelector('#done');
    await page.click('#list a:text("소음 측정 안내")');
    await page.waitForSelector('#edit-form');
    await page.fill('#edit-title', '소음 측정 일정 안내');
    await submit(page, 'edit');
    await page.waitForSelector('#done');
    assert((await page.textContent('#list')).includes('소음 측정 일정 안내'), 'template renamed');

    /* axe on every admin page, in Korean, English and the easy view. */
    const faqEdit = await page.evaluate(async () => (await (await fetch('/api/v1/admin/faq')).json()).items[0].id);
    const tplEdit = await page.evaluate(async () => (await (await fetch('/api/v1/staff/templates')).json()).items[0].id);
    const pages = ['/admin', '/admin/users', '/admin/users/e2e-park', '/admin/departments',
                   '/admin/departments/road', '/admin/categories', '/admin/categories/noise',
                   '/admin/categories/triage',
                   `/admin/holidays?year=${holiday.slice(0, 4)}`, '/admin/faq', `/admin/faq/${faqEdit}`,
                   '/admin/templates', `/admin/templates/${tplEdit}`];
    for (const q of ['lang=en', 'lang=ko&easy=1', 'easy=0']) {
      for (const p of pages) {
        await page.goto(srv.base + p + (p.includes('?') ? '&' : '?') + q);
        await axe(page, `${p} (${q})`);
      }
      if (q === 'lang=en') {
        await page.goto(srv.base + '/admin/users');
        assert((await page.textContent('h1')).includes('Users and roles'), 'English heading');
      }
    }
    await page.goto(srv.base + '/admin/users');
    await ctx.close();
  });

  test('admin: two administrators edit one department, a delete refused while in use, a department and a holiday deleted', async ({ browser, srv }) => {
    const a = await signedIn(browser, srv);
    const b = await signedIn(browser, srv);
    /* Both open the same department; A saves first. */
    await a.page.goto(srv.base + '/admin/departments/parking');
    await b.page.goto(srv.base + '/admin/departments/parking');
    await a.page.fill('#edit-name_en', 'Parking Division (A)');
    await submit(a.page, 'edit');
    await a.page.waitForSelector('#done');
    /* B saves what they typed on the old version: refused, nothing lost. */
    await b.page.fill('#edit-name_en', 'Parking Division (B)');
    await submit(b.page, 'edit');
    await b.page.waitForSelector('#edit-failed');
    assert((await b.page.textContent('#edit-failed')).includes('다른 사람이'), 'says someone else changed it');
    assert((await b.page.inputValue('#edit-name_en')) === 'Parking Division (B)', 'what B typed is kept');
    await axe(b.page, 'department edit refused as stale');
    let dept = (await (await b.page.request.get(srv.base + '/api/v1/admin/departments')).json())
      .items.find((d) => d.code === 'parking');
    assert(dept.name_en === 'Parking Division (A)', 'the first save stands: ' + dept.name_en);
    /* B reloads, sees A's change, and saves again. */
    await Promise.all([b.page.waitForNavigation(), b.page.click('#reload')]);
    assert((await b.page.inputValue('#edit-name_en')) === 'Parking Division (A)', 'reloaded');
    await b.page.fill('#edit-name_en', 'Parking Division (B)');
    await submit(b.page, 'edit');
    await b.page.waitForSelector('#done');
    dept = (await (await b.page.request.get(srv.base + '/api/v1/admin/departments')).json())
      .items.find((d) => d.code === 'parking');
    assert(dept.name_en === 'Parking Division (B)' && dept.version >= 3, 'saved after the reload: ' + JSON.stringify(dept));

    /* A department still in use is not deleted: the page says what uses it. */
    await a.page.goto(srv.base + '/admin/departments/road');
    await Promise.all([a.page.waitForNavigation(), a.page.click('#delete')]);
    await a.page.waitForSelector('#edit-failed');
    const why = await a.page.textContent('#edit-failed');
    assert(why.includes('road_damage'), 'names the category that uses it: ' + why);
    await axe(a.page, 'department delete refused');

    /* A new department nothing uses is deleted. */
    await a.page.goto(srv.base + '/admin/departments');
    await a.page.fill('#add-code', 'e2e_temp');
    await a.page.fill('#add-name_ko', '임시과');
    await submit(a.page, 'add');
    await a.page.waitForSelector('#done');
    await a.page.click('#list a:text("e2e_temp")');
    await a.page.waitForSelector('#delete');
    await Promise.all([a.page.waitForNavigation(), a.page.click('#delete')]);
    await a.page.waitForSelector('#done');
    assert(!(await a.page.textContent('#list')).includes('e2e_temp'), 'deleted from the list');

    /* A holiday, deleted from its row. */
    await a.page.goto(srv.base + '/admin/holidays?year=2037');
    await a.page.fill('#add-date', '2037-06-03');
    await a.page.fill('#add-name', '지울 휴일');
    await submit(a.page, 'add');
    await a.page.waitForSelector('#h-2037-06-03');
    await axe(a.page, 'holidays with a delete button per row');
    await Promise.all([a.page.waitForNavigation(), a.page.click('#del-2037-06-03')]);
    await a.page.waitForSelector('#done');
    assert(!(await a.page.$('#h-2037-06-03')), 'the holiday is gone');
    await a.ctx.close();
    await b.ctx.close();
  });

  test('admin: the FAQ form with the keyboard alone', async ({ browser, srv }) => {
    const { ctx, page } = await signedIn(browser, srv);
    await page.goto(srv.base + '/admin/faq');
    /* From the top of the page: the skip link, then Tab to the form. */
    await page.keyboard.press('Tab');
    assert(await page.evaluate(() => document.activeElement.classList.contains('skip')), 'skip link first');
    await page.keyboard.press('Enter');
    let steps = 0;
    while (await page.evaluate(() => document.activeElement.id) !== 'add-question') {
      await page.keyboard.press('Tab');
      assert(++steps < 80, 'the question field is reachable with Tab');
    }
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert(outline !== 'none', 'focus is visible');
    await page.keyboard.type('여권 재발급은 며칠 걸리나요?');
    await page.keyboard.press('Tab');
    assert(await page.evaluate(() => document.activeElement.id) === 'add-answer', 'then the answer');
    await page.keyboard.type('여권 재발급은 보통 4~5 근무일이 걸립니다.');
    await page.keyboard.press('Tab');
    assert(await page.evaluate(() => document.activeElement.id) === 'add-category', 'then the category');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    assert(await page.evaluate(() => document.activeElement.id) === 'add-question_en', 'then the English question');
    await page.keyboard.type('How long does a new passport take?');
    await page.keyboard.press('Tab');
    assert(await page.evaluate(() => document.activeElement.id) === 'add-answer_en', 'then the English answer');
    await page.keyboard.type('Usually 4 to 5 working days.');
    await page.keyboard.press('Tab');
    assert(await page.evaluate(() => document.activeElement.id) === 'add-submit', 'then the button');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await page.waitForSelector('#done');
    const items = (await (await page.request.get(srv.base + '/api/v1/admin/faq')).json()).items;
    const e = items.find((x) => x.question === '여권 재발급은 며칠 걸리나요?');
    assert(e && e.category !== 'general', 'saved with the category chosen by keyboard: ' + JSON.stringify(e));
    assert(e.answer_en === 'Usually 4 to 5 working days.', 'and the English answer: ' + JSON.stringify(e));
    await ctx.close();
  });

  test('admin: <script> in a user name and an FAQ answer is text; forms without the token are refused; other roles get 403', async ({ browser, srv }) => {
    const { ctx, page } = await signedIn(browser, srv);
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    await page.goto(srv.base + '/admin/users');
    await page.fill('#add-login', 'e2e-evil');
    await page.fill('#add-name', evil);
    await page.selectOption('#add-role', 'desk');
    await page.fill('#add-password', PASSWORD);
    await submit(page, 'add');
    await page.waitForSelector('#done');
    assert((await page.textContent('#list')).includes(evil), 'the name is shown as typed');
    await page.goto(srv.base + '/admin/faq');
    await page.fill('#add-question', '스크립트 시험 질문입니다');
    await page.fill('#add-answer', evil + ' 답변');
    await submit(page, 'add');
    await page.waitForSelector('#done');
    assert((await page.textContent('#list')).includes(evil), 'the answer is shown as typed');
    await page.click('#list a:text("스크립트 시험 질문입니다")');
    assert((await page.inputValue('#edit-answer')).includes(evil), 'and as the textarea value');
    assert(!page.__dialogs, 'no script ran');
    assert(await page.evaluate(() => document.querySelectorAll('main script, main img[src=x]').length === 0), 'no injected elements');

    const statuses = await page.evaluate(async () => {
      const out = [];
      for (const csrf of [null, 'forged-token-value-000']) {
        const body = new URLSearchParams({ question: 'CSRF 질문', answer: 'CSRF 답변' });
        if (csrf) body.set('csrf', csrf);
        out.push((await fetch('/admin/faq', { method: 'POST', body })).status);
      }
      return out;
    });
    assert(statuses.every((s) => s === 403), 'CSRF statuses ' + statuses);
    const items = (await (await page.request.get(srv.base + '/api/v1/admin/faq')).json()).items;
    assert(!items.some((x) => x.question === 'CSRF 질문'), 'nothing saved');
    await ctx.close();

    /* A department head: the 403 page. */
    const other = await newContext(browser);
    const p2 = await other.newPage();
    const r = await p2.request.post(srv.base + '/api/v1/session', { data: { login: 'officer', password: PASSWORD } });
    assert(r.status() === 200, 'officer signs in');
    const res = await p2.goto(srv.base + '/admin/users');
    assert(res.status() === 403, 'manager gets 403, got ' + res.status());
    await axe(p2, 'admin 403 page');
    await other.close();
  });
}
