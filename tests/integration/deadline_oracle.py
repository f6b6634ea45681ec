"""
deadline_oracle.py - an independent reckoning of when the deadline
monitor must speak up (src/core/reminder.h), for test_notify.py.

It knows the working time of the law (09:00-12:00 and 13:00-18:00 KST on
working days; weekends and the holidays given are not counted) and the
reminder rules, and nothing of the C code: the server's due times are
taken as given (the calculus has its own tests), the reminder instants are
counted here.
"""

import datetime

KST = datetime.timezone(datetime.timedelta(hours=9))
SEGMENTS = ((9 * 3600, 12 * 3600), (13 * 3600, 18 * 3600))
DAY = 86400
WORKDAY = 8 * 3600

PROGRESS, DUE_SOON, OVERDUE, INTERIM, COOP, INFO_REMIND, INFO_EXPIRED = (
    "reminder", "due_soon", "overdue", "interim_prompt", "cooperation_reminder",
    "info_reminder", "info_expired")


def epoch(iso):
    return int(datetime.datetime.fromisoformat(iso).timestamp())


def iso(t):
    return datetime.datetime.fromtimestamp(t, KST).isoformat()


class Calendar:
    def __init__(self, holidays):
        self.holidays = {datetime.date.fromisoformat(d) for d in holidays}

    def workday(self, d):
        return d.weekday() < 5 and d not in self.holidays

    @staticmethod
    def date_of(t):
        return datetime.datetime.fromtimestamp(t, KST).date()

    @staticmethod
    def start_of(d):
        return int(datetime.datetime(d.year, d.month, d.day, tzinfo=KST).timestamp())

    def working_seconds(self, a, b):
        total, d = 0, self.date_of(a)
        while b > a and self.start_of(d) < b:
            if self.workday(d):
                base = self.start_of(d)
                for s0, e0 in SEGMENTS:
                    s, e = max(base + s0, a), min(base + e0, b)
                    total += max(0, e - s)
            d += datetime.timedelta(days=1)
        return total

    def worked(self, a, b, pauses=()):
        total = self.working_seconds(a, b)
        for ps, pe in pauses:
            s, e = max(ps, a), min(pe, b)
            if e > s:
                total -= self.working_seconds(s, e)
        return total

    def after_worked(self, frm, need, pauses=()):
        """The earliest instant at which need working seconds outside the
        pauses have passed since frm."""
        pauses = sorted(pauses)
        i, d = 0, self.date_of(frm)
        while True:
            if self.workday(d):
                base = self.start_of(d)
                for s0, e0 in SEGMENTS:
                    s, e = max(base + s0, frm), base + e0
                    while s < e:
                        stop = e
                        while i < len(pauses) and pauses[i][1] <= s:
                            i += 1
                        if i < len(pauses) and pauses[i][0] <= s:
                            s = min(pauses[i][1], e)
                            continue
                        if i < len(pauses) and pauses[i][0] < e:
                            stop = pauses[i][0]
                        if need <= stop - s:
                            return s + need
                        need -= stop - s
                        s = stop
            d += datetime.timedelta(days=1)

    def due_in_days(self, received, n):
        """Days mode: the day of receipt is day 1 when it is a working day;
        due at 23:59:59 of day n."""
        d = self.date_of(received)
        while True:
            if self.workday(d):
                n -= 1
                if n == 0:
                    return self.start_of(d) + DAY - 1
            d += datetime.timedelta(days=1)


def period_hours(p):
    return int(p[:-1]) * (8 if p.endswith("d") else 1)


def plan(cal, *, clock_start, due, pauses=(), period_hours_effective=0, interim_given=False,
         paused_at=None, info_days=7):
    """[(kind, instant)] of a complaint's own clock in its current state."""
    out = []
    if paused_at:
        info_due = cal.due_in_days(paused_at, info_days)
        total = cal.worked(paused_at, info_due)
        if total > WORKDAY:
            out.append((INFO_REMIND, cal.after_worked(paused_at, total - WORKDAY)))
        out.append((INFO_EXPIRED, info_due + 1))
        return out
    total = cal.worked(clock_start, due, pauses)
    out.append((PROGRESS, cal.after_worked(clock_start, total * 80 // 100, pauses)))
    if total > WORKDAY:
        out.append((DUE_SOON, cal.after_worked(clock_start, total - WORKDAY, pauses)))
    out.append((OVERDUE, due + 1))
    if period_hours_effective >= 56 and not interim_given:
        out.append((INTERIM, cal.after_worked(clock_start, total * 50 // 100, pauses)))
    return out


def coop_at(cal, requested_at, due):
    return cal.after_worked(requested_at, cal.worked(requested_at, due) * 80 // 100)
