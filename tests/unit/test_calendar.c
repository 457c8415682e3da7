/* test_calendar.c - days since 1970-01-01, months, and add_months (RULES.md section 0).
 * Day numbers below are worked out by hand: 1970..1999 is 30 years with 7 leap days, so
 * 2000-01-01 = 10957; 2020-01-01 = 18262; 1900-01-01 = -(70 * 365 + 17) = -25567;
 * 2200-01-01 = 230 * 365 + 56 = 84006 (2100 is not a leap year). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "skillpay/calendar.h"
#include "skillpay/limits.h"

#define DAY_SENTINEL ((sp_day)-424242)

static void test_valid_leap_years(void **state)
{
	(void)state;
	assert_true(calendar_valid(2024, 2, 29));
	assert_false(calendar_valid(2023, 2, 29));
	assert_true(calendar_valid(2023, 2, 28));
	assert_false(calendar_valid(2100, 2, 29));   /* divisible by 100, not by 400 */
	assert_false(calendar_valid(1900, 2, 29));
	assert_true(calendar_valid(2000, 2, 29));    /* divisible by 400 */
	assert_false(calendar_valid(2024, 2, 30));
	assert_int_equal(calendar_days_in_month(2024, 2), 29);
	assert_int_equal(calendar_days_in_month(2023, 2), 28);
	assert_int_equal(calendar_days_in_month(2100, 2), 28);
	assert_int_equal(calendar_days_in_month(2000, 2), 29);
	assert_int_equal(calendar_days_in_month(2023, 1), 31);
	assert_int_equal(calendar_days_in_month(2023, 4), 30);
	assert_int_equal(calendar_days_in_month(2023, 12), 31);
}

static void test_valid_month_and_day_bounds(void **state)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	(void)state;
	assert_false(calendar_valid(2023, 0, 1));
	assert_false(calendar_valid(2023, 13, 1));
	assert_false(calendar_valid(2023, -1, 1));
	assert_false(calendar_valid(2023, 1, 0));
	assert_false(calendar_valid(2023, 1, 32));
	assert_false(calendar_valid(2023, 1, -1));
	for (int m = 1; m <= 12; m++) {
		assert_true(calendar_valid(2023, m, 1));
		assert_true(calendar_valid(2023, m, days[m - 1]));
		assert_false(calendar_valid(2023, m, days[m - 1] + 1));
	}
}

static void test_valid_year_limits(void **state)
{
	(void)state;
	assert_int_equal(SP_YEAR_MIN, 1900);
	assert_int_equal(SP_YEAR_MAX, 2199);
	assert_true(calendar_valid(SP_YEAR_MIN, 1, 1));
	assert_false(calendar_valid(SP_YEAR_MIN - 1, 12, 31));
	assert_true(calendar_valid(SP_YEAR_MAX, 12, 31));
	assert_false(calendar_valid(SP_YEAR_MAX + 1, 1, 1));
	assert_false(calendar_valid(0, 1, 1));
}

static void assert_day_parses(const char *s, sp_day want)
{
	sp_day got = DAY_SENTINEL;

	if (day_parse(s, &got) != 0)
		fail_msg("'%s' was refused, expected day %d", s, (int)want);
	assert_int_equal(got, want);
}

static void assert_day_refused(const char *s)
{
	sp_day got = DAY_SENTINEL;

	if (day_parse(s, &got) != -1)
		fail_msg("'%s' was accepted as day %d, expected a refusal", s, (int)got);
	assert_int_equal(got, DAY_SENTINEL);
}

static void test_day_parse(void **state)
{
	(void)state;
	assert_day_parses("1970-01-01", 0);
	assert_day_parses("1970-01-02", 1);
	assert_day_parses("1969-12-31", -1);
	assert_day_parses("2000-01-01", 10957);
	assert_day_parses("2000-03-01", 11017);
	assert_day_parses("2021-08-01", 18840);
	assert_day_parses("2024-02-29", 19782);
	assert_day_parses("1900-01-01", -25567);
	assert_day_parses("2199-12-31", 84005);
	assert_day_refused("1899-12-31");
	assert_day_refused("2200-01-01");
	assert_day_refused("2023-02-29");
	assert_day_refused("2100-02-29");
	assert_day_refused("2023-00-10");
	assert_day_refused("2023-13-01");
	assert_day_refused("2023-01-00");
	assert_day_refused("2023-01-32");
	assert_day_refused("2023-04-31");
}

static void test_day_parse_strict(void **state)
{
	(void)state;
	assert_day_refused("2023-1-05");
	assert_day_refused("2023-01-5");
	assert_day_refused("2023/01/05");
	assert_day_refused("2023.01.05");
	assert_day_refused("2023-01-05 ");
	assert_day_refused(" 2023-01-05");
	assert_day_refused("2023-01-05\n");
	assert_day_refused("2023-01-05T00");
	assert_day_refused("20230105");
	assert_day_refused("23-01-05");
	assert_day_refused("02023-01-05");
	assert_day_refused("+023-01-05");
	assert_day_refused("2023-+1-05");
	assert_day_refused("2023-0a-05");
	assert_day_refused("2023-01");
	assert_day_refused("");
	assert_day_refused("\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x93-01-05");  /* fullwidth 2023 */
}

static void test_day_from_ymd_known(void **state)
{
	(void)state;
	assert_int_equal(day_from_ymd(1970, 1, 1), 0);
	assert_int_equal(day_from_ymd(1969, 12, 31), -1);
	assert_int_equal(day_from_ymd(1971, 1, 1), 365);
	assert_int_equal(day_from_ymd(1972, 3, 1), 790);     /* 730 + 31 + 29 */
	assert_int_equal(day_from_ymd(2000, 1, 1), 10957);
	assert_int_equal(day_from_ymd(2000, 3, 1), 11017);   /* 10957 + 31 + 29 */
	assert_int_equal(day_from_ymd(2020, 1, 1), 18262);
	assert_int_equal(day_from_ymd(2021, 8, 1), 18840);   /* 18262 + 366 + 212 */
	assert_int_equal(day_from_ymd(2024, 1, 1), 19723);
	assert_int_equal(day_from_ymd(1949, 12, 31), -7306);
	assert_int_equal(day_from_ymd(1900, 1, 1), -25567);
	assert_int_equal(day_from_ymd(2199, 12, 31), 84005);
}

static int days_in(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* Walks every day from 1900-01-01 to 2199-12-31 with a plain counter and checks both
 * directions, day_format, day_to_int and day_from_int against it. */
static void test_round_trip_every_day(void **state)
{
	int y = SP_YEAR_MIN, m = 1, d = 1;
	sp_day want = -25567;

	(void)state;
	for (int steps = 0; steps < 120000 && y <= SP_YEAR_MAX; steps++) {
		int gy, gm, gd;
		char buf[11], text[48];

		assert_true(calendar_valid(y, m, d));
		assert_int_equal(day_from_ymd(y, m, d), want);
		day_to_ymd(want, &gy, &gm, &gd);
		assert_int_equal(gy, y);
		assert_int_equal(gm, m);
		assert_int_equal(gd, d);
		assert_int_equal(day_to_int(want), y * 10000 + m * 100 + d);
		assert_int_equal(day_from_int(y * 10000 + m * 100 + d), want);
		assert_int_equal(month_of_day(want), y * 12 + m - 1);
		if (d == 1 || steps % 997 == 0) {
			day_format(want, buf);
			snprintf(text, sizeof(text), "%04d-%02d-%02d", y, m, d);
			assert_string_equal(buf, text);
		}
		want++;
		if (++d > days_in(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	assert_int_equal(y, SP_YEAR_MAX + 1);
	assert_int_equal(want, 84006);
}

static void test_day_format_and_ints(void **state)
{
	char buf[11];

	(void)state;
	day_format(0, buf);
	assert_string_equal(buf, "1970-01-01");
	day_format(11017, buf);
	assert_string_equal(buf, "2000-03-01");
	day_format(-25567, buf);
	assert_string_equal(buf, "1900-01-01");
	memset(buf, 'Z', sizeof(buf));
	day_format(SP_DAY_NONE, buf);
	assert_string_equal(buf, "");

	assert_int_equal(day_to_int(0), 19700101);
	assert_int_equal(day_to_int(11017), 20000301);
	assert_int_equal(day_to_int(19782), 20240229);
	assert_int_equal(day_to_int(SP_DAY_NONE), 0);
	assert_int_equal(day_from_int(0), SP_DAY_NONE);
	assert_int_equal(day_from_int(19700101), 0);
	assert_int_equal(day_from_int(20000301), 11017);
	assert_int_equal(day_from_int(21991231), 84005);
	assert_int_equal(day_from_int(day_to_int(SP_DAY_NONE)), SP_DAY_NONE);
}

static void test_month_parse(void **state)
{
	sp_month m = -1;

	(void)state;
	assert_int_equal(month_from_ym(2021, 8), 2021 * 12 + 7);
	assert_int_equal(month_from_ym(2021, 8), SP_FIRST_MONTH);
	assert_int_equal(month_parse("2021-08", &m), 0);
	assert_int_equal(m, 24259);
	assert_int_equal(month_parse("1900-01", &m), 0);
	assert_int_equal(m, 22800);
	assert_int_equal(month_parse("2199-12", &m), 0);
	assert_int_equal(m, 2199 * 12 + 11);
	assert_int_equal(month_parse("2024-12", &m), 0);
	assert_int_equal(m, 2024 * 12 + 11);

	m = -1;
	assert_int_equal(month_parse("1899-12", &m), -1);
	assert_int_equal(month_parse("2200-01", &m), -1);
	assert_int_equal(month_parse("2021-00", &m), -1);
	assert_int_equal(month_parse("2021-13", &m), -1);
	assert_int_equal(month_parse("2021-8", &m), -1);
	assert_int_equal(month_parse("2021-08-01", &m), -1);
	assert_int_equal(month_parse("2021/08", &m), -1);
	assert_int_equal(month_parse("202108", &m), -1);
	assert_int_equal(month_parse("2021-08 ", &m), -1);
	assert_int_equal(month_parse(" 2021-08", &m), -1);
	assert_int_equal(month_parse("2021-0a", &m), -1);
	assert_int_equal(month_parse("", &m), -1);
	assert_int_equal(m, -1);
}

static void test_month_format_and_ints(void **state)
{
	char buf[8];

	(void)state;
	month_format(SP_FIRST_MONTH, buf);
	assert_string_equal(buf, "2021-08");
	month_format(month_from_ym(2024, 12), buf);
	assert_string_equal(buf, "2024-12");
	month_format(month_from_ym(2025, 1), buf);
	assert_string_equal(buf, "2025-01");
	month_format(month_from_ym(1900, 1), buf);
	assert_string_equal(buf, "1900-01");
	month_format(month_from_ym(2199, 12), buf);
	assert_string_equal(buf, "2199-12");

	assert_int_equal(month_to_int(SP_FIRST_MONTH), 202108);
	assert_int_equal(month_to_int(month_from_ym(2024, 12)), 202412);
	assert_int_equal(month_to_int(month_from_ym(2025, 1)), 202501);
	assert_int_equal(month_from_int(202108), SP_FIRST_MONTH);
	assert_int_equal(month_from_int(190001), 22800);
	assert_int_equal(month_from_int(202412), 2024 * 12 + 11);
	for (int y = SP_YEAR_MIN; y <= SP_YEAR_MAX; y++)
		for (int mo = 1; mo <= 12; mo++)
			assert_int_equal(month_from_int(month_to_int(month_from_ym(y, mo))),
					 month_from_ym(y, mo));
}

static void test_month_days(void **state)
{
	(void)state;
	assert_int_equal(month_first_day(SP_FIRST_MONTH), 18840);              /* 2021-08-01 */
	assert_int_equal(month_last_day(SP_FIRST_MONTH), 18840 + 30);          /* 2021-08-31 */
	assert_int_equal(month_first_day(month_from_ym(1970, 1)), 0);
	assert_int_equal(month_last_day(month_from_ym(1969, 12)), -1);
	assert_int_equal(month_last_day(month_from_ym(2024, 2)), 19782);       /* 2024-02-29 */
	assert_int_equal(month_last_day(month_from_ym(2023, 2)), 19416);       /* 2023-02-28 */
	assert_int_equal(month_last_day(month_from_ym(2000, 2)), 11016);       /* 2000-02-29 */
	assert_int_equal(month_first_day(month_from_ym(2000, 3)), 11017);
	assert_int_equal(month_last_day(month_from_ym(2021, 12)), 18992);      /* 2021-12-31 */
	assert_int_equal(month_first_day(month_from_ym(2022, 1)), 18993);

	assert_int_equal(month_of_day(18840), SP_FIRST_MONTH);
	assert_int_equal(month_of_day(18839), SP_FIRST_MONTH - 1);
	assert_int_equal(month_of_day(18870), SP_FIRST_MONTH);                 /* 2021-08-31 */
	assert_int_equal(month_of_day(18871), SP_FIRST_MONTH + 1);
	assert_int_equal(month_of_day(19782), month_from_ym(2024, 2));
	assert_int_equal(month_of_day(-1), month_from_ym(1969, 12));
}

static void assert_add_months(int y, int m, int d, int32_t n, int wy, int wm, int wd)
{
	char got[11], want[48];

	day_format(day_add_months(day_from_ymd(y, m, d), n), got);
	snprintf(want, sizeof(want), "%04d-%02d-%02d", wy, wm, wd);
	if (strcmp(got, want) != 0)
		fail_msg("%04d-%02d-%02d + %d months: got %s, expected %s", y, m, d, (int)n, got, want);
}

/* RULES.md section 0: same day, clamped to the last day of the target month. */
static void test_add_months_rules_examples(void **state)
{
	(void)state;
	assert_add_months(2020, 2, 29, 36, 2023, 2, 28);
	assert_add_months(2021, 8, 31, 1, 2021, 9, 30);
	assert_add_months(2024, 1, 31, 1, 2024, 2, 29);
	assert_add_months(2023, 1, 31, 1, 2023, 2, 28);
	assert_add_months(2020, 2, 29, 48, 2024, 2, 29);
	assert_add_months(2020, 2, 29, 12, 2021, 2, 28);
	assert_add_months(2021, 1, 30, 1, 2021, 2, 28);
	assert_add_months(2021, 3, 31, 1, 2021, 4, 30);
	assert_add_months(2021, 8, 1, 36, 2024, 8, 1);
}

static void test_add_months_zero_and_negative(void **state)
{
	(void)state;
	assert_add_months(2021, 8, 31, 0, 2021, 8, 31);
	assert_add_months(2024, 2, 29, 0, 2024, 2, 29);
	assert_add_months(2021, 3, 31, -1, 2021, 2, 28);
	assert_add_months(2024, 3, 31, -1, 2024, 2, 29);
	assert_add_months(2022, 1, 15, -1, 2021, 12, 15);
	assert_add_months(2021, 8, 1, -12, 2020, 8, 1);
	assert_add_months(2021, 1, 31, -2, 2020, 11, 30);
	assert_add_months(2023, 2, 28, -36, 2020, 2, 28);
	assert_add_months(2024, 2, 29, -12, 2023, 2, 28);
}

static void test_add_months_across_years(void **state)
{
	(void)state;
	assert_add_months(2021, 11, 30, 12, 2022, 11, 30);
	assert_add_months(2021, 12, 31, 1, 2022, 1, 31);
	assert_add_months(2021, 12, 31, 2, 2022, 2, 28);
	assert_add_months(2021, 8, 15, 25, 2023, 9, 15);
	assert_add_months(2021, 12, 1, 12, 2022, 12, 1);
	assert_add_months(2099, 12, 31, 2, 2100, 2, 28);
	assert_add_months(1900, 1, 31, 1, 1900, 2, 28);
}

static void test_add_months_none(void **state)
{
	(void)state;
	assert_int_equal(day_add_months(SP_DAY_NONE, 0), SP_DAY_NONE);
	assert_int_equal(day_add_months(SP_DAY_NONE, 36), SP_DAY_NONE);
	assert_int_equal(day_add_months(SP_DAY_NONE, -12), SP_DAY_NONE);
}

static void test_today(void **state)
{
	sp_day t = day_today();

	(void)state;
	/* Any run of this test happens after the program was written and before 2200. */
	assert_true(t >= day_from_ymd(2025, 1, 1));
	assert_true(t < 84006);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_leap_years),
		cmocka_unit_test(test_valid_month_and_day_bounds),
		cmocka_unit_test(test_valid_year_limits),
		cmocka_unit_test(test_day_parse),
		cmocka_unit_test(test_day_parse_strict),
		cmocka_unit_test(test_day_from_ymd_known),
		cmocka_unit_test(test_round_trip_every_day),
		cmocka_unit_test(test_day_format_and_ints),
		cmocka_unit_test(test_month_parse),
		cmocka_unit_test(test_month_format_and_ints),
		cmocka_unit_test(test_month_days),
		cmocka_unit_test(test_add_months_rules_examples),
		cmocka_unit_test(test_add_months_zero_and_negative),
		cmocka_unit_test(test_add_months_across_years),
		cmocka_unit_test(test_add_months_none),
		cmocka_unit_test(test_today),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
