#include "receipt.h"
#include "../base/mw.h"

#include <stdio.h>
#include <string.h>

#include "../base/banned.h"

int mw_receipt_period(mw_time t)
{
	mw_civil c;

	mw_time_to_kst(t, &c);
	return (c.year % 100) * 100 + c.month;
}

int mw_receipt_format(int period, int64_t seq, char *out, size_t outsz)
{
	int n;

	if (period < 1 || period > 9912 || period % 100 < 1 || period % 100 > 12 || seq < 1 ||
	    seq > 99999999)
		return MW_ERR_INVALID;
	n = snprintf(out, outsz, "%04d-%06lld", period, (long long)seq);
	return n > 0 && (size_t)n < outsz ? MW_OK : MW_ERR_TOO_LARGE;
}

int mw_receipt_parse(const char *s, int *period, int64_t *seq)
{
	size_t len = strlen(s);
	int p = 0, month;
	int64_t q = 0;

	if (len < 11 || len > 13 || s[4] != '-')
		return MW_ERR_INVALID;
	for (size_t i = 0; i < len; i++) {
		if (i == 4)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return MW_ERR_INVALID;
		if (i < 4)
			p = p * 10 + (s[i] - '0');
		else
			q = q * 10 + (s[i] - '0');
	}
	month = p % 100;
	if (month < 1 || month > 12 || q < 1)
		return MW_ERR_INVALID;
	if (period)
		*period = p;
	if (seq)
		*seq = q;
	return MW_OK;
}
