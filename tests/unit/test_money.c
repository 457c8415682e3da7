/* test_money.c - yuan text to fen, fen to yuan text, and overflow-checked arithmetic
 * (FEEDS.md amounts ^[0-9]{1,12}(\.[0-9]{1,2})?$, RULES.md section 0, STYLE rules 1 and 2).
 * Every expected value is worked out by hand from the spec, not taken from a run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "skillpay/limits.h"
#include "skillpay/money.h"

/* A value no parse or arithmetic result below can produce: shows that *ret stayed unchanged. */
#define SENTINEL INT64_C(-777)

static void assert_parses(const char *s, int64_t want_fen)
{
	int64_t got = SENTINEL;

	if (money_parse_yuan(s, &got) != 0)
		fail_msg("'%s' was refused, expected %lld fen", s, (long long)want_fen);
	assert_int_equal(got, want_fen);
}

static void assert_refused(const char *s)
{
	int64_t got = SENTINEL;

	if (money_parse_yuan(s, &got) != -1)
		fail_msg("'%s' was accepted as %lld fen, expected a refusal", s, (long long)got);
	assert_int_equal(got, SENTINEL);
}

static void test_parse_valid(void **state)
{
	(void)state;
	assert_parses("0", 0);
	assert_parses("0.00", 0);
	assert_parses("0.0", 0);
	assert_parses("0.01", 1);
	assert_parses("0.1", 10);
	assert_parses("1", 100);
	assert_parses("500", 50000);
	assert_parses("500.5", 50050);
	assert_parses("500.50", 50050);
	assert_parses("500.05", 50005);
	assert_parses("200.00", 20000);
	/* Leading zeros match the pattern and do not change the value. */
	assert_parses("007.10", 710);
	assert_parses("000000000000", 0);
}

/* Boundary: 12 integer digits is the limit, 13 is one past it. */
static void test_parse_digit_limit(void **state)
{
	(void)state;
	assert_parses("999999999999.99", INT64_C(99999999999999));
	assert_parses("999999999999.99", SP_MONEY_MAX_FEN);
	assert_parses("999999999999", INT64_C(99999999999900));
	assert_parses("100000000000", INT64_C(10000000000000));
	assert_refused("1000000000000");
	assert_refused("9999999999999.99");
	/* 13 digits are refused even when the value would fit in 12 (the pattern counts digits). */
	assert_refused("0000000000001");
	assert_refused("0000000000000.00");
}

static void test_parse_decimals(void **state)
{
	(void)state;
	/* Three decimals is an error, not a rounding (STYLE rule 1). */
	assert_refused("1.234");
	assert_refused("1.000");
	assert_refused("0.001");
	assert_refused(".5");
	assert_refused("5.");
	assert_refused("1..2");
	assert_refused("1.2.3");
	assert_refused(".");
}

static void test_parse_refused(void **state)
{
	(void)state;
	assert_refused("");
	assert_refused("-1.00");
	assert_refused("-0");
	assert_refused("+1");
	assert_refused("1e3");
	assert_refused(" 1");
	assert_refused("1 ");
	assert_refused("1\n");
	assert_refused("1. 5");
	assert_refused("1,000");
	assert_refused("1,5");
	assert_refused("0x10");
	assert_refused("abc");
	assert_refused("5.a");
	assert_refused("\xef\xbc\x91");      /* fullwidth digit one, U+FF11 */
	assert_refused("1\xef\xbc\x90");     /* 1 and fullwidth zero */
	assert_refused("\xc2\xa5" "5");       /* yen sign, then 5 */
}

static void assert_formats(int64_t fen, const char *want)
{
	char buf[32];

	memset(buf, 'Z', sizeof(buf));
	assert_ptr_equal(money_format(fen, buf), buf);
	assert_string_equal(buf, want);
}

static void test_format(void **state)
{
	(void)state;
	assert_formats(0, "0.00");
	assert_formats(5, "0.05");
	assert_formats(-5, "-0.05");
	assert_formats(99, "0.99");
	assert_formats(100, "1.00");
	assert_formats(-100, "-1.00");
	assert_formats(50000, "500.00");
	assert_formats(50050, "500.50");
	assert_formats(-20000, "-200.00");
	assert_formats(SP_MONEY_MAX_FEN, "999999999999.99");
}

/* INT64_MAX = 9223372036854775807, INT64_MIN = -9223372036854775808 (fen). */
static void test_format_extremes(void **state)
{
	(void)state;
	assert_formats(INT64_MAX, "92233720368547758.07");
	assert_formats(INT64_MIN, "-92233720368547758.08");
	assert_formats(INT64_MIN + 1, "-92233720368547758.07");
}

static void test_add(void **state)
{
	int64_t r = SENTINEL;

	(void)state;
	assert_int_equal(money_add(50000, 20000, &r), 0);
	assert_int_equal(r, 70000);
	assert_int_equal(money_add(50000, -70000, &r), 0);
	assert_int_equal(r, -20000);
	assert_int_equal(money_add(INT64_MAX - 1, 1, &r), 0);
	assert_int_equal(r, INT64_MAX);
	assert_int_equal(money_add(INT64_MAX, 0, &r), 0);
	assert_int_equal(r, INT64_MAX);
	assert_int_equal(money_add(INT64_MIN + 1, -1, &r), 0);
	assert_int_equal(r, INT64_MIN);
	assert_int_equal(money_add(INT64_MAX, INT64_MIN, &r), 0);
	assert_int_equal(r, -1);

	r = SENTINEL;
	assert_int_equal(money_add(INT64_MAX, 1, &r), -1);
	assert_int_equal(r, SENTINEL);
	assert_int_equal(money_add(1, INT64_MAX, &r), -1);
	assert_int_equal(r, SENTINEL);
	assert_int_equal(money_add(INT64_MIN, -1, &r), -1);
	assert_int_equal(r, SENTINEL);
	assert_int_equal(money_add(INT64_MAX, INT64_MAX, &r), -1);
	assert_int_equal(r, SENTINEL);
	assert_int_equal(money_add(INT64_MIN, INT64_MIN, &r), -1);
	assert_int_equal(r, SENTINEL);
}

static void test_sub(void **state)
{
	int64_t r = SENTINEL;

	(void)state;
	assert_int_equal(money_sub(50000, 70000, &r), 0);
	assert_int_equal(r, -20000);
	assert_int_equal(money_sub(INT64_MIN + 1, 1, &r), 0);
	assert_int_equal(r, INT64_MIN);
	assert_int_equal(money_sub(-1, INT64_MAX, &r), 0);
	assert_int_equal(r, INT64_MIN);
	assert_int_equal(money_sub(INT64_MAX, 0, &r), 0);
	assert_int_equal(r, INT64_MAX);
	assert_int_equal(money_sub(-1, INT64_MIN, &r), 0);
	assert_int_equal(r, INT64_MAX);

	r = SENTINEL;
	assert_int_equal(money_sub(INT64_MIN, 1, &r), -1);
	assert_int_equal(r, SENTINEL);
	assert_int_equal(money_sub(0, INT64_MIN, &r), -1);
	assert_int_equal(r, SENTINEL);
	assert_int_equal(money_sub(INT64_MAX, -1, &r), -1);
	assert_int_equal(r, SENTINEL);
	assert_int_equal(money_sub(-2, INT64_MAX, &r), -1);
	assert_int_equal(r, SENTINEL);
}

static void test_mul(void **state)
{
	int64_t r = SENTINEL;

	(void)state;
	assert_int_equal(money_mul(20000, 36, &r), 0);
	assert_int_equal(r, 720000);
	assert_int_equal(money_mul(20000, -3, &r), 0);
	assert_int_equal(r, -60000);
	assert_int_equal(money_mul(INT64_MAX, 0, &r), 0);
	assert_int_equal(r, 0);
	assert_int_equal(money_mul(INT64_MAX, 1, &r), 0);
	assert_int_equal(r, INT64_MAX);
	assert_int_equal(money_mul(INT64_MAX, -1, &r), 0);
	assert_int_equal(r, -INT64_MAX);
	assert_int_equal(money_mul(INT64_MIN / 2, 2, &r), 0);
	assert_int_equal(r, INT64_MIN);
	/* INT64_MAX / 2 = 4611686018427387903; times 2 is INT64_MAX - 1. */
	assert_int_equal(money_mul(INT64_MAX / 2, 2, &r), 0);
	assert_int_equal(r, INT64_MAX - 1);

	r = SENTINEL;
	assert_int_equal(money_mul(INT64_MAX / 2 + 1, 2, &r), -1);
	assert_int_equal(r, SENTINEL);
	assert_int_equal(money_mul(INT64_MAX, 2, &r), -1);
	assert_int_equal(r, SENTINEL);
	assert_int_equal(money_mul(INT64_MIN, -1, &r), -1);
	assert_int_equal(r, SENTINEL);
	assert_int_equal(money_mul(-1, INT64_MIN, &r), -1);
	assert_int_equal(r, SENTINEL);
	assert_int_equal(money_mul(INT64_MIN / 2 - 1, 2, &r), -1);
	assert_int_equal(r, SENTINEL);
	assert_int_equal(money_mul(INT64_C(3037000500), INT64_C(3037000500), &r), -1);
	assert_int_equal(r, SENTINEL);
}

static void assert_percent(int64_t a_fen, int64_t pct, int64_t want_fen)
{
	int64_t r = SENTINEL;

	assert_int_equal(money_percent_half_up(a_fen, pct, &r), 0);
	assert_int_equal(r, want_fen);
}

/* R13: round_half_up(a * pct / 100). */
static void test_percent_half_up(void **state)
{
	int64_t r = SENTINEL;

	(void)state;
	assert_percent(33335, 30, 10001);    /* 10000.5 rounds up */
	assert_percent(33334, 30, 10000);    /* 10000.2 */
	assert_percent(33336, 30, 10001);    /* 10000.8 */
	assert_percent(10000, 30, 3000);
	assert_percent(1, 50, 1);            /* 0.5 rounds up */
	assert_percent(1, 49, 0);            /* 0.49 rounds down */
	assert_percent(1, 51, 1);
	assert_percent(149, 1, 1);           /* 1.49 */
	assert_percent(150, 1, 2);           /* 1.5 */
	assert_percent(0, 30, 0);
	assert_percent(50000, 0, 0);
	assert_percent(50000, 100, 50000);
	assert_percent(SP_MONEY_MAX_FEN, 100, SP_MONEY_MAX_FEN);
	/* 99999999999999 * 30 / 100 = 29999999999999.7 */
	assert_percent(SP_MONEY_MAX_FEN, 30, INT64_C(30000000000000));

	/* a * pct past INT64_MAX. */
	assert_int_equal(money_percent_half_up(INT64_MAX / 100 + 1, 100, &r), -1);
	assert_int_equal(r, SENTINEL);
	assert_int_equal(money_percent_half_up(INT64_MAX, 2, &r), -1);
	assert_int_equal(r, SENTINEL);
	assert_int_equal(money_percent_half_up(INT64_MAX / 30 + 1, 30, &r), -1);
	assert_int_equal(r, SENTINEL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_digit_limit),
		cmocka_unit_test(test_parse_decimals),
		cmocka_unit_test(test_parse_refused),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_extremes),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_sub),
		cmocka_unit_test(test_mul),
		cmocka_unit_test(test_percent_half_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
