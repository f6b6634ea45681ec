/*
 * banned.h - functions that are easy to misuse are compile errors here
 * (git's banned.h). Include it last in every .c file of the project.
 */
#ifndef MW_BANNED_H
#define MW_BANNED_H

#define MW_BANNED(func) sorry_##func##_is_banned_in_minwon

#undef strcpy
#define strcpy(x, y) MW_BANNED(strcpy)
#undef strcat
#define strcat(x, y) MW_BANNED(strcat)
#undef sprintf
#define sprintf(...) MW_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) MW_BANNED(vsprintf)
#undef gets
#define gets(x) MW_BANNED(gets)
#undef strtok
#define strtok(x, y) MW_BANNED(strtok)
#undef atoi
#define atoi(x) MW_BANNED(atoi)

#endif
