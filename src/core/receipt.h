/*
 * receipt.h - receipt numbers (접수번호) such as 2611-000123.
 *
 * The first four digits are the KST year and month of receipt, the rest a
 * sequence that the store hands out per month and never reuses. Six
 * digits cover 999,999 complaints a month; beyond that the number simply
 * grows a digit, so it stays unique. They are short enough to read over
 * the phone and carry no personal data.
 */
#ifndef MW_RECEIPT_H
#define MW_RECEIPT_H

#include <stddef.h>
#include <stdint.h>

#include "../base/timeutil.h"

/* YYMM of t in KST, e.g. 2611 for November 2026. */
int mw_receipt_period(mw_time t);

/* Formats period + seq into out (>= 16 bytes). seq must be >= 1. */
int mw_receipt_format(int period, int64_t seq, char *out, size_t outsz);

/* Validates "YYMM-NNNNNN"(+ more digits): MW_OK or MW_ERR_INVALID. */
int mw_receipt_parse(const char *s, int *period, int64_t *seq);

#endif
