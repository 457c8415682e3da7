/* calendar.c - proleptic Gregorian days and months (RULES.md section 0). */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "skillpay/calendar.h"

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int calendar_days_in_month(int year, int month)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	assert(month >= 1 && month <= 12);
	return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

bool calendar_valid(int year, int month, int day)
{
	if (year < SP_YEAR_MIN || year > SP_YEAR_MAX || month < 1 || month > 12 || day < 1)
		return false;
	return day <= calendar_days_in_month(year, month);
}

/* Days from civil (Howard Hinnant's algorithm), exact for every Gregorian date. */
sp_day day_from_ymd(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void day_to_ymd(sp_day z, int *ret_year, int *ret_month, int *ret_day)
{
	int era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	*ret_year = y + (m <= 2);
	*ret_month = m;
	*ret_day = d;
}

static int parse_digits(const char *s, int n, int *ret)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return 0;
}

int day_parse(const char *s, sp_day *ret_day)
{
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	if (parse_digits(s, 4, &y) || parse_digits(s + 5, 2, &m) || parse_digits(s + 8, 2, &d))
		return -1;
	if (!calendar_valid(y, m, d))
		return -1;
	*ret_day = day_from_ymd(y, m, d);
	return 0;
}

void day_format(sp_day d, char buf[static 11])
{
	int y, m, dd;

	if (d == SP_DAY_NONE) {
		buf[0] = '\0';
		return;
	}
	day_to_ymd(d, &y, &m, &dd);
	snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)dd % 100u);
}

int32_t day_to_int(sp_day d)
{
	int y, m, dd;

	if (d == SP_DAY_NONE)
		return 0;
	day_to_ymd(d, &y, &m, &dd);
	return y * 10000 + m * 100 + dd;
}

sp_day day_from_int(int32_t v)
{
	if (v == 0)
		return SP_DAY_NONE;
	return day_from_ymd(v / 10000, v / 100 % 100, v % 100);
}

sp_month month_from_ym(int year, int month)
{
	return year * 12 + (month - 1);
}

int month_parse(const char *s, sp_month *ret_month)
{
	int y, m;

	if (strlen(s) != 7 || s[4] != '-')
		return -1;
	if (parse_digits(s, 4, &y) || parse_digits(s + 5, 2, &m))
		return -1;
	if (y < SP_YEAR_MIN || y > SP_YEAR_MAX || m < 1 || m > 12)
		return -1;
	*ret_month = month_from_ym(y, m);
	return 0;
}

void month_format(sp_month m, char buf[static 8])
{
	unsigned y = (unsigned)(m / 12) % 10000u, mm = (unsigned)(m % 12) % 12u + 1u;

	snprintf(buf, 8, "%04u-%02u", y, mm);
}

int32_t month_to_int(sp_month m)
{
	return (m / 12) * 100 + m % 12 + 1;
}

sp_month month_from_int(int32_t v)
{
	return month_from_ym(v / 100, v % 100);
}

sp_day month_first_day(sp_month m)
{
	return day_from_ymd(m / 12, m % 12 + 1, 1);
}

sp_day month_last_day(sp_month m)
{
	return month_first_day(m + 1) - 1;
}

sp_month month_of_day(sp_day d)
{
	int y, m, dd;

	day_to_ymd(d, &y, &m, &dd);
	return month_from_ym(y, m);
}

sp_day day_add_months(sp_day d, int32_t n)
{
	int y, m, dd, last;
	sp_month target;

	if (d == SP_DAY_NONE)
		return SP_DAY_NONE;
	day_to_ymd(d, &y, &m, &dd);
	target = month_from_ym(y, m) + n;
	last = calendar_days_in_month(target / 12, target % 12 + 1);
	return day_from_ymd(target / 12, target % 12 + 1, dd < last ? dd : last);
}

sp_day day_today(void)
{
	return (sp_day)(time(NULL) / 86400);
}
