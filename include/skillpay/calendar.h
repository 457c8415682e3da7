/* calendar.h - days, months and add_months of RULES.md section 0. No struct tm arithmetic. */
#ifndef SKILLPAY_CALENDAR_H
#define SKILLPAY_CALENDAR_H

#include <stdbool.h>
#include "skillpay/limits.h"

bool calendar_valid(int year, int month, int day);
int calendar_days_in_month(int year, int month);

/* The day of a valid (year, month, day); the caller checks validity first. */
sp_day day_from_ymd(int year, int month, int day);
void day_to_ymd(sp_day d, int *ret_year, int *ret_month, int *ret_day);

/* Parses exactly "YYYY-MM-DD" (a real calendar day, years SP_YEAR_MIN..SP_YEAR_MAX).
 * Returns 0 and sets *ret_day, or -1 leaving it unchanged. */
int day_parse(const char *s, sp_day *ret_day);
/* Writes "YYYY-MM-DD" (11 bytes with the NUL); SP_DAY_NONE writes "". */
void day_format(sp_day d, char buf[static 11]);
/* yyyymmdd integers, as stored in the database; 0 stands for SP_DAY_NONE. */
int32_t day_to_int(sp_day d);
sp_day day_from_int(int32_t yyyymmdd);

sp_month month_from_ym(int year, int month);
/* Parses exactly "YYYY-MM". Returns 0 and sets *ret_month, or -1. */
int month_parse(const char *s, sp_month *ret_month);
void month_format(sp_month m, char buf[static 8]);
int32_t month_to_int(sp_month m);      /* yyyymm */
sp_month month_from_int(int32_t yyyymm);

/* d(m): the first day of month m. */
sp_day month_first_day(sp_month m);
sp_day month_last_day(sp_month m);
/* The month that contains day d. */
sp_month month_of_day(sp_day d);

/* add_months(date, n): same day n months later, clamped to the last day of the target month.
 * SP_DAY_NONE stays SP_DAY_NONE. */
sp_day day_add_months(sp_day d, int32_t n);

/* Today in UTC from the clock; for "not in the future" checks only, never in rules. */
sp_day day_today(void);

#endif
