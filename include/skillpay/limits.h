/* limits.h - every limit and basic type of skillpay in one place (after Lua's llimits.h). */
#ifndef SKILLPAY_LIMITS_H
#define SKILLPAY_LIMITS_H

#include <stdint.h>

/* A day is the number of days since 1970-01-01; a month is year * 12 + (month - 1). */
typedef int32_t sp_day;
typedef int32_t sp_month;

/* An absent optional date (an open end, no retirement): later than every real day. */
#define SP_DAY_NONE INT32_MAX

#define SP_ID_LEN 18                /* GB 11643 and GB 32100 identifiers */
#define SP_TEXT_MAX_CHARS 200       /* FEEDS.md: text fields, in Unicode characters */
#define SP_FIELD_MAX_BYTES 800      /* 200 characters of at most 4 bytes */
#define SP_COLUMNS_MAX 16           /* columns in one feed */
#define SP_ROW_ERRORS_MAX 1000000   /* errors listed for one file before the rest are counted only */
#define SP_AMOUNT_INT_DIGITS 12     /* ^[0-9]{1,12}(\.[0-9]{1,2})?$ */
#define SP_MONEY_MAX_FEN INT64_C(99999999999999)  /* 12 digits of yuan: sums stay far from INT64_MAX */
#define SP_YEAR_MIN 1900
#define SP_YEAR_MAX 2199
#define SP_FIRST_MONTH ((sp_month)(2021 * 12 + 7))     /* 2021-08, R0 policy_start */
#define SP_MONTHS_MAX 2400          /* months from 2021-08 that one evaluation may span */
#define SP_MESSAGE_MAX 512
#define SP_END_TO_END_MAX 35

_Static_assert(SP_FIELD_MAX_BYTES >= SP_TEXT_MAX_CHARS * 4, "a text field must fit its bytes");
_Static_assert(SP_MONEY_MAX_FEN < INT64_MAX / 1000, "money sums need headroom");
_Static_assert(SP_COLUMNS_MAX >= 8, "the widest feed has 8 columns");

#endif
