/*
 * staff_login.mjs - the staff entrance (src/web/staff.c): a staff page
 * without a session goes to the sign-in page; a wrong password is said
 * next to the form; signed in, the landing page; sign-out ends it. axe in
 * Korean, English and the easy view. Registered by run.mjs.
 */
export default function ({ test, assert, axe, newContext, PASSWORD }) {
  test('staff entrance: sign-in page, wrong password, landing page, sign-out (axe in ko, en, easy)', async ({ browser, srv }) => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await page.goto(srv.base + '/staff');
    assert(page.url().endsWith('/staff/login'), 'redirected to the sign-in page');
    await axe(page, 'staff login (ko)');
    await page.fill('#f-login', 'officer');
    await page.fill('#f-password', 'not-the-password');
    await page.click('#login-form button');
    await page.waitForSelector('#e-login');
    await axe(page, 'staff login with an error');
    await page.fill('#f-password', PASSWORD);
    await Promise.all([page.waitForURL(/\/staff$/), page.click('#login-form button')]);
    assert((await page.textContent('#staff-login')).trim() === 'officer', 'signed in');
    for (const q of ['', '?lang=en', '?easy=1', '?lang=ko&easy=0']) {
      await page.goto(srv.base + '/staff' + q);
      await axe(page, 'staff home ' + q);
    }
    await Promise.all([page.waitForURL(/\/staff\/login$/), page.click('#logout')]);
    await page.goto(srv.base + '/staff');
    assert(page.url().endsWith('/staff/login'), 'signed out');
    await ctx.close();
  });
}
