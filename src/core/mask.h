/*
 * mask.h - masking of personal data for staff screens (개인정보 마스킹),
 * following the common Korean public-sector forms:
 *   name  홍길동 -> 홍*동, 남궁민수 -> 남**수, 홍길 -> 홍*, 홍 -> *
 *   phone 010-1234-5678 -> 010-****-5678 (the middle group)
 *   email hong@example.com -> ho**@example.com, a@example.com -> *@example.com
 * All functions write a NUL-terminated result into out and never fail: a
 * value they cannot parse is masked entirely ("***").
 */
#ifndef MW_MASK_H
#define MW_MASK_H

#include <stddef.h>

void mw_mask_name(const char *name, char *out, size_t outsz);
void mw_mask_phone(const char *phone, char *out, size_t outsz);
void mw_mask_email(const char *email, char *out, size_t outsz);

#endif
