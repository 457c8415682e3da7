/* test_identity.c - GB 11643 resident identity numbers and GB 32100 unified social credit
 * codes (FEEDS.md "Identity numbers"). Check characters are worked out by hand:
 *
 * 11010519491231002X: digits 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 times weights
 * 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 sum to 167; 167 mod 11 = 2; "10X98765432"[2] = 'X'.
 * 110105194912310011: digit 17 is 1 instead of 2, sum 165, mod 11 = 0 -> '1' (male).
 * 110105194902310026: month 02 instead of 12 (weight 7 at digit 11), sum 160, mod 11 = 6 -> '6';
 * a correct check character around the impossible birth date 1949-02-31.
 *
 * 91350100M000100Y43 (GB 32100 appendix example): values 9 1 3 5 0 1 0 0 M=21 0 0 0 1 0 0 Y=30
 * 4 times weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28 sum to 1640;
 * 1640 mod 31 = 28; 31 - 28 = 3 -> '3'. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "skillpay/calendar.h"
#include "skillpay/identity.h"

#define PUBLISHED_ID "11010519491231002X"
#define PUBLISHED_CODE "91350100M000100Y43"

static sp_day today(void)
{
	return day_from_ymd(2026, 1, 1);
}

static void assert_person_ok(const char *s, sp_day today_day, const char *want_norm)
{
	char norm[19];
	const char *why = NULL;

	memset(norm, 'Z', sizeof(norm));
	if (identity_person_check(s, today_day, norm, &why) != 0)
		fail_msg("'%s' was refused (%s), expected valid", s, why ? why : "?");
	assert_string_equal(norm, want_norm);
}

static void assert_person_refused(const char *s, sp_day today_day)
{
	char norm[19] = "untouched";
	const char *why = NULL;

	if (identity_person_check(s, today_day, norm, &why) != -1)
		fail_msg("'%s' was accepted, expected a refusal", s);
	assert_non_null(why);
	assert_true(strlen(why) > 0);
	/* The output is written only on success. */
	assert_string_equal(norm, "untouched");
}

static void test_person_check_char(void **state)
{
	(void)state;
	assert_int_equal(identity_person_check_char("11010519491231002"), 'X');
	assert_int_equal(identity_person_check_char("11010519491231001"), '1');
	assert_int_equal(identity_person_check_char("11010519490231002"), '6');
	/* All zeros: sum 0 -> '1'. */
	assert_int_equal(identity_person_check_char("00000000000000000"), '1');
}

static void test_person_published_example(void **state)
{
	(void)state;
	assert_person_ok(PUBLISHED_ID, today(), PUBLISHED_ID);
	assert_person_ok("110105194912310011", today(), "110105194912310011");
}

static void test_person_lower_x_normalised(void **state)
{
	(void)state;
	assert_person_ok("11010519491231002x", today(), PUBLISHED_ID);
}

static void test_person_every_wrong_check_char(void **state)
{
	const char *chars = "0123456789";
	char id[19];

	(void)state;
	memcpy(id, PUBLISHED_ID, sizeof(id));
	for (const char *c = chars; *c; c++) {
		id[17] = *c;
		assert_person_refused(id, today());
	}
	/* And the check character of the male variant ('1') replaced by X, x and every other digit. */
	memcpy(id, "110105194912310011", sizeof(id));
	for (const char *c = "023456789Xx"; *c; c++) {
		id[17] = *c;
		assert_person_refused(id, today());
	}
	/* Characters that are neither digits nor X. */
	memcpy(id, PUBLISHED_ID, sizeof(id));
	for (const char *c = "Y* -"; *c; c++) {
		id[17] = *c;
		assert_person_refused(id, today());
	}
}

static void test_person_shape(void **state)
{
	(void)state;
	assert_person_refused("", today());
	assert_person_refused("11010519491231002", today());       /* 17 */
	assert_person_refused("11010519491231002X0", today());     /* 19 */
	assert_person_refused("11010519491231002XX", today());
	assert_person_refused("11010A19491231002X", today());      /* a letter inside */
	assert_person_refused("X10105194912310020", today());
	assert_person_refused("110105 19491231002", today());
	assert_person_refused(" 11010519491231002X", today());
	assert_person_refused("11010519491231002X ", today());
	/* Fullwidth digits are not digits (3 bytes each). */
	assert_person_refused("\xef\xbc\x91" "1010519491231002X", today());
}

static void test_person_birth_date(void **state)
{
	char norm[19];
	const char *why = NULL;

	(void)state;
	/* Correct check character, impossible birth date 1949-02-31: refused for the date. */
	assert_person_refused("110105194902310026", today());
	assert_int_equal(identity_person_check("110105194902310026", today(), norm, &why), -1);
	assert_non_null(strstr(why, "birth"));
}

/* "Not in the future" is relative to the today_day argument: the birthday itself is fine. */
static void test_person_birth_not_future(void **state)
{
	sp_day birth = day_from_ymd(1949, 12, 31);

	(void)state;
	assert_person_refused(PUBLISHED_ID, birth - 1);
	assert_person_ok(PUBLISHED_ID, birth, PUBLISHED_ID);
	assert_person_ok(PUBLISHED_ID, birth + 1, PUBLISHED_ID);
	assert_person_ok("11010519491231002x", birth, PUBLISHED_ID);
}

static void test_person_birth_and_sex(void **state)
{
	(void)state;
	/* 1949-12-31: 1950-01-01 is -(20 * 365 + 5 leap days) = -7305. */
	assert_int_equal(identity_person_birth(PUBLISHED_ID), -7306);
	assert_int_equal(identity_person_birth("110105194912310011"), -7306);
	/* Digit 17 odd = male, even = female. */
	assert_false(identity_person_male(PUBLISHED_ID));
	assert_true(identity_person_male("110105194912310011"));
	assert_false(identity_person_male("11010519491231000X"));
	assert_true(identity_person_male("11010519491231009X"));
}

static void assert_credit_ok(const char *s)
{
	const char *why = NULL;

	if (identity_credit_check(s, &why) != 0)
		fail_msg("'%s' was refused (%s), expected valid", s, why ? why : "?");
}

static void assert_credit_refused(const char *s)
{
	const char *why = NULL;

	if (identity_credit_check(s, &why) != -1)
		fail_msg("'%s' was accepted, expected a refusal", s);
	assert_non_null(why);
}

static void test_credit_published_example(void **state)
{
	(void)state;
	assert_int_equal(identity_credit_check_char("91350100M000100Y4"), '3');
	assert_credit_ok(PUBLISHED_CODE);
}

static void test_credit_altered(void **state)
{
	const char *alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	char code[19];

	(void)state;
	memcpy(code, PUBLISHED_CODE, sizeof(code));
	for (const char *c = alphabet; *c; c++) {
		if (*c == '3')
			continue;
		code[17] = *c;
		assert_credit_refused(code);
	}
	/* One character of the body changed: 0 -> 1 at position 10 changes the sum by 29. */
	assert_credit_refused("91350100M100100Y43");
	/* Two characters swapped. */
	assert_credit_refused("19350100M000100Y43");
}

static void test_credit_alphabet(void **state)
{
	char code[19];

	(void)state;
	/* I, O, Z, S and V are not in the GB 32100 alphabet, anywhere. */
	for (const char *c = "IOZSV"; *c; c++) {
		memcpy(code, PUBLISHED_CODE, sizeof(code));
		code[8] = *c;
		assert_credit_refused(code);
		memcpy(code, PUBLISHED_CODE, sizeof(code));
		code[17] = *c;
		assert_credit_refused(code);
	}
	assert_int_equal(identity_credit_check_char("91350100I000100Y4"), 0);
	assert_int_equal(identity_credit_check_char("91350100O000100Y4"), 0);
	/* Upper case only. */
	assert_credit_refused("91350100m000100y43");
	assert_credit_refused("91350100m000100Y43");
	assert_credit_refused("");
	assert_credit_refused("91350100M000100Y4");      /* 17 */
	assert_credit_refused("91350100M000100Y433");    /* 19 */
	assert_credit_refused("91350100M000100Y4 ");
	assert_credit_refused("91350100-000100Y43");
}

static void test_mask(void **state)
{
	char buf[64];

	(void)state;
	identity_mask(PUBLISHED_ID, buf);
	assert_string_equal(buf, "110105********002X");
	identity_mask(PUBLISHED_CODE, buf);
	assert_string_equal(buf, "913501********0Y43");
	/* 11 characters: one hidden. */
	identity_mask("12345678901", buf);
	assert_string_equal(buf, "123456*8901");
	/* A 32-digit account number: 22 hidden. */
	identity_mask("62220212345678901234567890123456", buf);
	assert_string_equal(buf, "622202**********************3456");
	/* 10 or fewer: first 6 and last 4 are the whole string. */
	identity_mask("1234567890", buf);
	assert_string_equal(buf, "1234567890");
	identity_mask("", buf);
	assert_string_equal(buf, "");
}

static void test_mask_long_input(void **state)
{
	char in[201], buf[64];

	(void)state;
	memset(in, '7', 200);
	in[0] = 'A';
	in[199] = 'B';
	in[200] = '\0';
	identity_mask(in, buf);
	assert_true(strlen(buf) < sizeof(buf));
	assert_memory_equal(buf, "A77777", 6);
	assert_string_equal(buf + strlen(buf) - 4, "777B");
	/* Nothing but the kept ends may leak: every middle character is hidden. */
	for (size_t i = 6; i + 4 < strlen(buf); i++)
		assert_int_equal(buf[i], '*');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_person_check_char),
		cmocka_unit_test(test_person_published_example),
		cmocka_unit_test(test_person_lower_x_normalised),
		cmocka_unit_test(test_person_every_wrong_check_char),
		cmocka_unit_test(test_person_shape),
		cmocka_unit_test(test_person_birth_date),
		cmocka_unit_test(test_person_birth_not_future),
		cmocka_unit_test(test_person_birth_and_sex),
		cmocka_unit_test(test_credit_published_example),
		cmocka_unit_test(test_credit_altered),
		cmocka_unit_test(test_credit_alphabet),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_mask_long_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
