/*
 * chat.mjs - journey 6, the citizen's side: the chatbot (/chat) answers
 * from the FAQ (faq.jsonl here, imported and reloaded with SIGHUP) and
 * takes a rating, files a report with the location and a photo and shows
 * the receipt, and hands off to a person whose reply (posted through the
 * staff API) appears in the open page by itself. Without JavaScript the
 * same conversation works with plain forms. The journey once more on the
 * English page: the bot's words in English, the FAQ answer with its note,
 * the category named in English. axe in Korean, English and the easy
 * view. Registered by run.mjs.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FAQ = path.join(path.dirname(fileURLToPath(import.meta.url)), 'faq.jsonl');
const BULKY = '안 쓰는 소파를 버리려면 어떻게 해요?';
const BULKY_ANSWER = '대형폐기물로 신고한 뒤 버립니다';

export default function ({ test, assert, api, staff, cli, axe, shot, newContext, PHOTO, HERE_LAT }) {
  async function faqLoaded(srv) {
    cli('faq', 'import', FAQ, '--db', srv.db);
    srv.proc.kill('SIGHUP');
    for (let i = 0; i < 50; i++) {
      const r = await api(srv, 'POST', '/api/v1/chat', { text: BULKY });
      if (r.json && r.json.kind === 'faq') return;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error('the FAQ was not loaded after SIGHUP');
  }

  /* Types into the message box and sends with Enter, as a person would. */
  async function say(page, text) {
    const before = await page.locator('#chat-log > li').count();
    await page.fill('#f-say', text);
    await page.press('#f-say', 'Enter');
    await page.locator('#chat-log > li').nth(before + 1).waitFor();
  }

  test('journey 6: the chatbot answers an FAQ, files a report with place and photo, hands off to a person', async ({ browser, srv }) => {
    await faqLoaded(srv);
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await page.goto(srv.base + '/chat');
    await axe(page, 'chat, empty (ko)');
    await page.evaluate(() => { window.__same = 1; });

    /* FAQ, then "was this helpful?". */
    await say(page, BULKY);
    const faq = page.locator('#chat-log > li.bot').last();
    assert((await faq.textContent()).includes(BULKY_ANSWER), 'the FAQ answer');
    assert(await faq.locator('form.rate').isVisible(), 'asks whether it helped');
    await axe(page, 'chat, FAQ answer');
    await faq.locator('button[value=yes]').click();
    await page.waitForSelector('#chat-log .rated');
    assert(await page.evaluate(() => window.__same === 1), 'no reload');
    const cookies = await ctx.cookies();
    const sess = cookies.find((c) => c.name === 'mw_chat');
    assert(sess && sess.httpOnly, 'the session is an HttpOnly cookie');
    assert(!page.url().includes(sess.value), 'no session token in the address');

    /* The report flow: confirm, my location, a photo, filed. */
    await say(page, '우리 집 앞 가로등이 사흘째 꺼져 있어요');
    await page.click('#say-yes');
    await page.waitForSelector('#send-location');
    await axe(page, 'chat, asking where');
    await page.click('#send-location');
    await page.waitForSelector('#file-now');
    await page.setInputFiles('#f-chat-photo', PHOTO);
    await page.click('#photo-form button');
    await page.locator('#chat-log li.citizen', { hasText: '[사진 1]' }).waitFor();
    await page.click('#file-now');
    await page.waitForSelector('#receipt-link');
    assert(await page.evaluate(() => window.__same === 1), 'still no reload');
    await axe(page, 'chat, filed');
    await Promise.all([page.waitForURL(/\/receipt$/), page.click('#receipt-link')]);
    const receipt = (await page.textContent('#receipt-no')).trim();
    const token = (await page.textContent('#receipt-token')).trim();
    const c = await api(srv, 'GET', `/api/v1/complaints/${receipt}?token=${token}`);
    assert(c.status === 200, 'filed: ' + c.text);
    assert(c.json.attachments.length === 1, 'with the photo');
    assert(Math.abs(c.json.location.lat - HERE_LAT) < 1e-3, 'at my location');
    assert(c.json.text.includes('가로등'), 'the reported problem');

    /* The hand-off: what happens next and by when, then a person answers. */
    await page.goto(srv.base + '/chat');
    await page.evaluate(() => { window.__same = 2; });
    const ask = '제 경우에 기초연금 받을 수 있는지 상담원과 직접 이야기하고 싶어요';
    await say(page, ask);
    await page.waitForSelector('#handoff');
    assert(/까지/.test(await page.textContent('#handoff')), 'says by when');
    await axe(page, 'chat, handed off');
    await shot(page, 'chat');
    const st = await staff(srv);
    const q = await st.call('GET', '/api/v1/staff/counsel');
    const item = q.json.items.find((it) => it.last_message === ask);
    assert(item, 'in the counsellor queue: ' + q.text);
    const reply = '상담원입니다. 소득과 재산 기준을 확인해 내일 오전에 전화드리겠습니다.';
    const r = await st.call('POST', `/api/v1/staff/counsel/${item.id}/reply`, { text: reply });
    assert(r.status === 200, 'reply: ' + r.text);
    await page.waitForSelector('#chat-log li.staff', { timeout: 15000 });
    assert((await page.textContent('#chat-log li.staff')).includes(reply), 'the reply appears');
    assert(!(await page.$('#handoff')), 'no longer waiting');
    assert(await page.evaluate(() => window.__same === 2), 'appeared without a reload');
    for (const qs of ['?lang=en', '?easy=1', '?lang=ko&easy=0']) {
      await page.goto(srv.base + '/chat' + qs);
      await axe(page, 'chat ' + qs);
    }
    await ctx.close();
  });

  test('journey 6 in English: the bot answers in English, files a report, hands off', async ({ browser, srv }) => {
    await faqLoaded(srv);
    const ctx = await newContext(browser, { locale: 'en-GB' });
    const page = await ctx.newPage();
    await page.goto(srv.base + '/chat?lang=en');
    assert((await page.getAttribute('html', 'lang')) === 'en', 'English page');
    await axe(page, 'chat, empty (en)');
    const bot = () => page.locator('#chat-log > li.bot').last();

    /* An FAQ entry written in Korean only: the answer says so. */
    await say(page, BULKY);
    let text = await bot().textContent();
    assert(text.includes('(This answer is available in Korean only.)') && text.includes(BULKY_ANSWER),
           'the Korean answer with its note: ' + text);

    /* The report flow in English, the category named in English. */
    await say(page, '우리 집 앞 가로등이 사흘째 꺼져 있어요');
    text = await bot().textContent();
    assert(text.includes('Shall I file this as a complaint?'), 'English offer: ' + text);
    assert(text.includes('Category: Street lights'), 'category in English: ' + text);
    await axe(page, 'chat, offer (en)');
    await page.click('#say-yes');
    await page.waitForSelector('#send-location');
    assert((await bot().textContent()).includes('Send my location'), 'asks where, in English');
    await page.click('#send-location');
    await page.waitForSelector('#file-now');
    assert((await bot().textContent()).includes('If you have photos'), 'asks for photos');
    await page.click('#file-now');
    await page.waitForSelector('#receipt-link');
    text = await bot().textContent();
    assert(/filed with receipt number \d{4}-\d{6}/.test(text), 'filed, with the receipt number: ' + text);
    assert(!/[\uac00-\ud7a3]/.test(text), 'no Korean in the reply: ' + text);
    await axe(page, 'chat, filed (en)');
    await shot(page, 'chat-en');

    /* English text goes to a person, who is promised in English. */
    await page.goto(srv.base + '/chat');
    await say(page, 'Hello, I would like to speak to a real person about my case, please.');
    await page.waitForSelector('#handoff');
    text = await bot().textContent();
    assert(text.includes('(working hours)') && !/[\uac00-\ud7a3]/.test(text), 'hand-off in English: ' + text);
    await axe(page, 'chat, handed off (en)');
    await ctx.close();
  });

  test('chat without JavaScript: FAQ, rating and a filed report with plain forms', async ({ browser, srv }) => {
    await faqLoaded(srv);
    const ctx = await newContext(browser, { javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(srv.base + '/chat');
    assert(await page.isHidden('.js-only'), 'no script-only controls');
    const send = async (text) => {
      await page.fill('#f-say', text);
      await Promise.all([page.waitForURL(/\/chat#latest$/), page.click('#say button[type=submit]')]);
    };
    await send(BULKY);
    assert((await page.textContent('#chat-log')).includes(BULKY_ANSWER), 'FAQ answer');
    await Promise.all([page.waitForNavigation(), page.click('#chat-log form.rate button[value=no]')]);
    assert(await page.isVisible('#chat-log .rated'), 'rated');
    await page.fill('#f-say', '공원 벤치가 부서져서 앉을 수가 없어요');
    await Promise.all([page.waitForURL(/#latest$/), page.click('#say button[type=submit]')]);
    await Promise.all([page.waitForURL(/#latest$/), page.click('#say-yes')]);
    await send('역삼동 근린공원 입구');
    await Promise.all([page.waitForURL(/#latest$/), page.click('#file-now')]);
    await Promise.all([page.waitForURL(/\/receipt$/), page.click('#receipt-link')]);
    assert(/^\d{4}-\d{6}$/.test((await page.textContent('#receipt-no')).trim()), 'receipt without JS');
    await ctx.close();
  });
}
