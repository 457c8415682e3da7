/* test_retire.c - R6, the statutory retirement age (RULES.md section 6): every row of the
 * reform table at its start, its steps and its cap, with exact dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "skillpay/calendar.h"
#include "skillpay/rules.h"

static sp_day day(int y, int m, int d)
{
	return day_from_ymd(y, m, d);
}

static void assert_statutory(int by, int bm, int bd, enum sp_retire_group group,
			     int ry, int rm, int rd)
{
	char got[11], want[11];

	day_format(rules_statutory_date(day(by, bm, bd), group), got);
	day_format(day(ry, rm, rd), want);
	assert_string_equal(got, want);
}

/* M60 before the reform: exactly 60 years. */
static void test_m60_before_start(void **state)
{
	(void)state;
	assert_statutory(1964, 12, 15, RETIRE_M60, 2024, 12, 15);
	assert_statutory(1950, 1, 1, RETIRE_M60, 2010, 1, 1);
}

/* M60 from 1965-01: floor(k / 4) + 1 months, capped at 36 (age 63). */
static void test_m60_delay(void **state)
{
	(void)state;
	assert_statutory(1965, 1, 10, RETIRE_M60, 2025, 2, 10);   /* k 0: 60y1m (RULES §6) */
	assert_statutory(1965, 4, 15, RETIRE_M60, 2025, 5, 15);   /* k 3: still 1 */
	assert_statutory(1965, 5, 15, RETIRE_M60, 2025, 7, 15);   /* k 4: 2 */
	assert_statutory(1976, 8, 15, RETIRE_M60, 2039, 7, 15);   /* k 139: 35, 62y11m */
	assert_statutory(1976, 9, 15, RETIRE_M60, 2039, 9, 15);   /* k 140: 36, 63 years */
	assert_statutory(1990, 6, 15, RETIRE_M60, 2053, 6, 15);   /* cap 36 */
}

/* F55 from 1970-01: floor(k / 4) + 1, cap 36 (age 58). */
static void test_f55_delay(void **state)
{
	(void)state;
	assert_statutory(1969, 12, 15, RETIRE_F55, 2024, 12, 15); /* before the start */
	assert_statutory(1970, 1, 15, RETIRE_F55, 2025, 2, 15);
	assert_statutory(1971, 4, 15, RETIRE_F55, 2026, 8, 15);   /* k 15: 4 */
	assert_statutory(1981, 8, 15, RETIRE_F55, 2039, 7, 15);   /* k 139: 35 */
	assert_statutory(1981, 9, 15, RETIRE_F55, 2039, 9, 15);   /* k 140: 36, age 58 */
	assert_statutory(1995, 3, 15, RETIRE_F55, 2053, 3, 15);   /* cap */
}

/* F50 from 1975-01: floor(k / 2) + 1, cap 60 (age 55). */
static void test_f50_delay(void **state)
{
	(void)state;
	assert_statutory(1974, 12, 15, RETIRE_F50, 2024, 12, 15); /* before the start */
	assert_statutory(1975, 1, 15, RETIRE_F50, 2025, 2, 15);   /* k 0: 1 */
	assert_statutory(1975, 2, 15, RETIRE_F50, 2025, 3, 15);   /* k 1: 1 */
	assert_statutory(1975, 3, 15, RETIRE_F50, 2025, 5, 15);   /* k 2: 2 */
	assert_statutory(1975, 2, 20, RETIRE_F50, 2025, 3, 20);   /* RULES §6 example */
	assert_statutory(1984, 10, 15, RETIRE_F50, 2039, 9, 15);  /* k 117: 59 */
	assert_statutory(1984, 11, 15, RETIRE_F50, 2039, 11, 15); /* k 118: 60, age 55 */
	assert_statutory(1999, 7, 15, RETIRE_F50, 2054, 7, 15);   /* cap */
}

/* add_months clamps to the end of the target month (RULES §0). */
static void test_clamped_day(void **state)
{
	(void)state;
	assert_statutory(1965, 1, 31, RETIRE_M60, 2025, 2, 28);
	assert_statutory(1964, 2, 29, RETIRE_M60, 2024, 2, 29);
	assert_statutory(1976, 2, 29, RETIRE_F50, 2026, 9, 29);   /* k 13: 7 */
}

static void test_unknown_birth(void **state)
{
	(void)state;
	assert_int_equal(rules_statutory_date(SP_DAY_NONE, RETIRE_M60), SP_DAY_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_m60_before_start),
		cmocka_unit_test(test_m60_delay),
		cmocka_unit_test(test_f55_delay),
		cmocka_unit_test(test_f50_delay),
		cmocka_unit_test(test_clamped_day),
		cmocka_unit_test(test_unknown_birth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
