/* test_fields.c - one field's check and conversion by its column's type (FEEDS.md "Formats"
 * and the feed table, src/feeds/feed_table.c). Columns are taken from the real feed table by
 * feed and column name, so the test also pins which column has which type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "skillpay/calendar.h"
#include "skillpay/feeds.h"
#include "skillpay/limits.h"
#include "../../src/feeds/fields.h"

#define PUBLISHED_ID "11010519491231002X"       /* GB 11643 example, born 1949-12-31 */
#define PUBLISHED_CODE "91350100M000100Y43"     /* GB 32100 example */

static sp_day today(void)
{
	return day_from_ymd(2026, 1, 1);
}

static const struct feed_column *col(const char *feed, const char *name)
{
	const struct feed_def *def = feed_find(feed);

	assert_non_null(def);
	for (int i = 0; i < def->n_columns; i++)
		if (strcmp(def->columns[i].name, name) == 0)
			return &def->columns[i];
	fail_msg("feed %s has no column %s", feed, name);
	return NULL;
}

/* Heap-allocated so that ASan sees any write past the text buffer. */
static struct field_value *check_ok(const struct feed_column *c, const char *raw, size_t len)
{
	struct field_value *v = malloc(sizeof(*v));
	char reason[256] = "";

	assert_non_null(v);
	if (field_check(c, raw, len, today(), v, reason, sizeof(reason)) != 0) {
		free(v);
		fail_msg("%s: '%.80s' was refused (%s), expected valid", c->name, raw, reason);
	}
	return v;
}

static void assert_text_ok(const struct feed_column *c, const char *raw, const char *want_text)
{
	struct field_value *v = check_ok(c, raw, strlen(raw));
	int null = v->null, is_int = v->is_int;
	int same = strcmp(v->text, want_text) == 0;

	free(v);
	assert_false(null);
	assert_false(is_int);
	assert_true(same);
}

static void assert_int_ok(const struct feed_column *c, const char *raw, int64_t want)
{
	struct field_value *v = check_ok(c, raw, strlen(raw));
	int null = v->null, is_int = v->is_int;
	int64_t i = v->i;
	int same = strcmp(v->text, raw) == 0;

	free(v);
	assert_false(null);
	assert_true(is_int);
	assert_int_equal(i, want);
	assert_true(same);
}

/* Refused with a reason; reason_has (may be NULL) is a part the reason must contain. */
static void assert_refused_len(const struct feed_column *c, const char *raw, size_t len,
			       const char *reason_has)
{
	struct field_value *v = malloc(sizeof(*v));
	char reason[256] = "";
	int rc;

	assert_non_null(v);
	rc = field_check(c, raw, len, today(), v, reason, sizeof(reason));
	free(v);
	if (rc != -1)
		fail_msg("%s: '%.80s' (%zu bytes) was accepted, expected a refusal", c->name, raw, len);
	assert_true(strlen(reason) > 0);
	if (reason_has && !strstr(reason, reason_has))
		fail_msg("%s: reason '%s' does not contain '%s'", c->name, reason, reason_has);
}

static void assert_refused(const struct feed_column *c, const char *raw)
{
	char quoted[128];

	/* A typed refusal quotes the value (STYLE rule 12). */
	snprintf(quoted, sizeof(quoted), "'%s'", raw);
	assert_refused_len(c, raw, strlen(raw), strlen(raw) <= 60 ? quoted : NULL);
}

static void test_required_and_optional(void **state)
{
	struct field_value v;
	char reason[64];

	(void)state;
	memset(&v, 0x55, sizeof(v));
	assert_int_equal(field_check(col("persons", "name"), "", 0, today(), &v, reason, sizeof(reason)), -1);
	assert_string_equal(reason, "is required");
	assert_int_equal(field_check(col("persons", "person_id"), "", 0, today(), &v, reason, sizeof(reason)), -1);
	assert_string_equal(reason, "is required");
	assert_int_equal(field_check(col("employment", "start_date"), "", 0, today(), &v, reason, sizeof(reason)), -1);
	assert_string_equal(reason, "is required");
	assert_int_equal(field_check(col("certificates", "level"), "", 0, today(), &v, reason, sizeof(reason)), -1);
	assert_string_equal(reason, "is required");

	/* Optional columns of FEEDS.md (?): empty is null. */
	memset(&v, 0x55, sizeof(v));
	assert_int_equal(field_check(col("persons", "retired_on"), "", 0, today(), &v, reason, sizeof(reason)), 0);
	assert_true(v.null);
	assert_false(v.is_int);
	assert_string_equal(v.text, "");
	memset(&v, 0x55, sizeof(v));
	assert_int_equal(field_check(col("employment", "appointed_level"), "", 0, today(), &v, reason, sizeof(reason)), 0);
	assert_true(v.null);
	memset(&v, 0x55, sizeof(v));
	assert_int_equal(field_check(col("employment", "end_date"), "", 0, today(), &v, reason, sizeof(reason)), 0);
	assert_true(v.null);
	assert_int_equal(field_check(col("chief_craftsmen", "ended_on"), "", 0, today(), &v, reason, sizeof(reason)), 0);
	assert_true(v.null);
	assert_int_equal(field_check(col("employers", "skill_allowance_since"), "", 0, today(), &v, reason, sizeof(reason)), 0);
	assert_true(v.null);
	assert_int_equal(field_check(col("employers", "chief_qualified_since"), "", 0, today(), &v, reason, sizeof(reason)), 0);
	assert_true(v.null);
	/* A value in an optional column is checked like any other. */
	assert_refused(col("persons", "retired_on"), "2023-02-29");
}

static char *repeat(const char *unit, int times)
{
	size_t n = strlen(unit);
	char *s = malloc(n * (size_t)times + 1);

	assert_non_null(s);
	for (int i = 0; i < times; i++)
		memcpy(s + n * (size_t)i, unit, n);
	s[n * (size_t)times] = '\0';
	return s;
}

/* 200 characters (Unicode characters, not bytes) is the limit, 201 is one past it. */
static void test_text_length(void **state)
{
	const struct feed_column *name = col("persons", "name");
	char *s;

	(void)state;
	s = repeat("\xE5\xBC\xA0", SP_TEXT_MAX_CHARS);        /* 张 x 200 = 600 bytes */
	assert_text_ok(name, s, s);
	free(s);
	s = repeat("\xE5\xBC\xA0", SP_TEXT_MAX_CHARS + 1);
	assert_refused_len(name, s, strlen(s), "200");
	free(s);
	s = repeat("a", SP_TEXT_MAX_CHARS);
	assert_text_ok(name, s, s);
	free(s);
	s = repeat("a", SP_TEXT_MAX_CHARS + 1);
	assert_refused_len(name, s, strlen(s), "200");
	free(s);
	/* Four-byte characters: 200 of them are SP_FIELD_MAX_BYTES exactly. */
	s = repeat("\xF0\x9F\x98\x80", SP_TEXT_MAX_CHARS);    /* U+1F600 */
	assert_int_equal(strlen(s), SP_FIELD_MAX_BYTES);
	assert_text_ok(name, s, s);
	free(s);
	s = repeat("\xF0\x9F\x98\x80", SP_TEXT_MAX_CHARS + 1);
	assert_refused_len(name, s, strlen(s), "200");
	free(s);
	assert_text_ok(name, "x", "x");
	/* Spaces are text like any other. */
	assert_text_ok(name, " \xE5\xBC\xA0\xE4\xB8\x89 ", " \xE5\xBC\xA0\xE4\xB8\x89 ");
	assert_text_ok(col("titles", "doc_no"), "\xE6\xAD\xA6\xE6\x94\xBF\xE5\x8A\x9E\xE3\x80\x94" "2022"
		       "\xE3\x80\x95" "12\xE5\x8F\xB7",
		       "\xE6\xAD\xA6\xE6\x94\xBF\xE5\x8A\x9E\xE3\x80\x94" "2022\xE3\x80\x95" "12\xE5\x8F\xB7");
}

static void test_text_limit_applies_to_every_type(void **state)
{
	char *s = repeat("1", SP_TEXT_MAX_CHARS + 1);

	(void)state;
	assert_refused_len(col("bank_accounts", "account_no"), s, strlen(s), NULL);
	assert_refused_len(col("parameters", "value"), s, strlen(s), NULL);
	free(s);
}

static void test_control_characters(void **state)
{
	const struct feed_column *name = col("persons", "name");

	(void)state;
	assert_refused_len(name, "a\x01" "b", 3, "control");
	assert_refused_len(name, "a\tb", 3, "control");
	assert_refused_len(name, "a\nb", 3, "control");
	assert_refused_len(name, "a\rb", 3, "control");
	assert_refused_len(name, "a\x1f", 2, "control");
	assert_refused_len(name, "a\x7f", 2, "control");            /* DEL */
	assert_refused_len(name, "a\xC2\x85" "b", 4, "control");    /* U+0085 NEL */
	assert_refused_len(name, "\xC2\x80", 2, "control");         /* U+0080 */
	assert_refused_len(name, "\xC2\x9F", 2, "control");         /* U+009F */
	assert_refused_len(name, "a\0b", 3, "control");             /* a NUL inside the field */
	/* Just past the C0 and C1 ranges: a space and U+00A0 are not control characters. */
	assert_text_ok(name, "a b", "a b");
	assert_text_ok(name, "\xC2\xA0", "\xC2\xA0");
	assert_text_ok(name, "~", "~");
	/* Other types refuse them too. */
	assert_refused_len(col("persons", "retire_group"), "M60\t", 4, NULL);
	assert_refused_len(col("employment", "start_date"), "2024-01-01\r", 11, NULL);
}

static void test_invalid_utf8(void **state)
{
	const struct feed_column *name = col("persons", "name");

	(void)state;
	assert_refused_len(name, "\xC0\x80", 2, "UTF-8");             /* overlong NUL */
	assert_refused_len(name, "\xC1\xBF", 2, "UTF-8");             /* overlong '\x7f' */
	assert_refused_len(name, "\xE0\x80\xAF", 3, "UTF-8");         /* overlong '/' */
	assert_refused_len(name, "\xF0\x80\x80\xAF", 4, "UTF-8");     /* overlong '/' */
	assert_refused_len(name, "a\x80" "b", 3, "UTF-8");            /* lone continuation byte */
	assert_refused_len(name, "\xBF", 1, "UTF-8");
	assert_refused_len(name, "\xED\xA0\x80", 3, "UTF-8");         /* surrogate U+D800 */
	assert_refused_len(name, "\xED\xBF\xBF", 3, "UTF-8");         /* surrogate U+DFFF */
	assert_refused_len(name, "\xE5\xBC", 2, "UTF-8");             /* truncated at the end */
	assert_refused_len(name, "\xE5\xBC" "a", 3, "UTF-8");         /* truncated before 'a' */
	assert_refused_len(name, "\xF4\x90\x80\x80", 4, "UTF-8");     /* U+110000 */
	assert_refused_len(name, "\xF8\x88\x80\x80\x80", 5, "UTF-8"); /* five-byte form */
	assert_refused_len(name, "\xFF", 1, "UTF-8");
	assert_refused_len(name, "\xD5\xC5\xC8\xFD", 4, "UTF-8");     /* 张三 in GBK, not decoded */
	/* The limits themselves are valid. */
	assert_text_ok(name, "\xED\x9F\xBF", "\xED\x9F\xBF");                 /* U+D7FF */
	assert_text_ok(name, "\xEE\x80\x80", "\xEE\x80\x80");                 /* U+E000 */
	assert_text_ok(name, "\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF");         /* U+10FFFF */
	assert_text_ok(name, "\xDF\xBF", "\xDF\xBF");                         /* U+07FF */
}

static void test_utf8_check_counts(void **state)
{
	size_t chars = 999;
	const char *why = NULL;

	(void)state;
	assert_int_equal(field_utf8_check("", 0, &chars, &why), 0);
	assert_int_equal(chars, 0);
	assert_int_equal(field_utf8_check("a\xE5\xBC\xA0\xF0\x9F\x98\x80\xC2\xA0", 10, &chars, &why), 0);
	assert_int_equal(chars, 4);
	chars = 999;
	assert_int_equal(field_utf8_check("a\x80", 2, &chars, &why), -1);
	assert_non_null(why);
	assert_int_equal(chars, 999);
}

static void test_enum(void **state)
{
	const struct feed_column *group = col("persons", "retire_group");
	const struct feed_column *own = col("employers", "ownership");
	const struct feed_column *title = col("titles", "title");

	(void)state;
	assert_text_ok(group, "M60", "M60");
	assert_text_ok(group, "F55", "F55");
	assert_text_ok(group, "F50", "F50");
	assert_refused(group, "m60");
	assert_refused(group, "M6");
	assert_refused(group, "M600");
	assert_refused(group, "M55");
	assert_refused_len(group, "M60 ", 4, NULL);
	assert_text_ok(own, "local", "local");
	assert_text_ok(own, "provincial", "provincial");
	assert_text_ok(own, "central", "central");
	assert_text_ok(own, "public", "public");
	assert_refused(own, "private");
	assert_refused(own, "Local");
	assert_text_ok(title, "top_talent", "top_talent");
	assert_text_ok(title, "skill_star", "skill_star");
	assert_text_ok(title, "skill_ace", "skill_ace");
	assert_refused(title, "top-talent");
	assert_refused(title, "TOP");
}

/* appointed_level and certificate level: 1..5; 0 and 6 are one past each end. */
static void test_level(void **state)
{
	const struct feed_column *appointed = col("employment", "appointed_level");
	const struct feed_column *level = col("certificates", "level");

	(void)state;
	assert_int_equal(appointed->min, 1);
	assert_int_equal(appointed->max, 5);
	for (int k = 1; k <= 5; k++) {
		char s[2] = { (char)('0' + k), '\0' };

		assert_int_ok(appointed, s, k);
		assert_int_ok(level, s, k);
	}
	assert_refused(appointed, "0");
	assert_refused(appointed, "6");
	assert_refused(level, "0");
	assert_refused(level, "6");
	assert_refused(level, "9");
	assert_refused(level, "10");
	assert_refused(level, "01");
	assert_refused(level, "-1");
	assert_refused(level, "+1");
	assert_refused(level, "a");
	assert_refused(level, "/");
	assert_refused(level, "1.0");
}

static void test_hand_made_level(void **state)
{
	struct feed_column c = { "grade", FIELD_LEVEL, false, false, NULL, 2, 3 };

	(void)state;
	assert_refused(&c, "1");
	assert_int_ok(&c, "2", 2);
	assert_int_ok(&c, "3", 3);
	assert_refused(&c, "4");
}

static void test_region(void **state)
{
	const struct feed_column *region = col("employers", "region");

	(void)state;
	assert_int_ok(region, "330723", 330723);
	assert_int_ok(col("social_insurance", "region"), "330700", 330700);
	assert_int_ok(region, "110105", 110105);
	assert_refused(region, "33072");
	assert_refused(region, "3307230");
	assert_refused(region, "33072a");
	assert_refused(region, "-30723");
	assert_refused(region, " 30723");
	assert_refused(region, "330 723");
}

/* account_no: 8 to 32 digits; 7 and 33 are one past each end. */
static void test_account_no(void **state)
{
	const struct feed_column *acct = col("bank_accounts", "account_no");
	char digits[40];

	(void)state;
	memset(digits, '6', sizeof(digits));
	digits[7] = '\0';
	assert_refused(acct, digits);
	digits[7] = '6';
	digits[8] = '\0';
	assert_text_ok(acct, digits, digits);
	digits[8] = '6';
	digits[32] = '\0';
	assert_text_ok(acct, digits, digits);
	digits[32] = '6';
	digits[33] = '\0';
	assert_refused(acct, digits);
	/* Leading zeros are kept: it is text, not a number. */
	assert_text_ok(acct, "0012345678", "0012345678");
	assert_refused(acct, "6222 0212 3456");
	assert_refused(acct, "6222-02123456");
	assert_refused(acct, "62220212345X");
}

/* bank_code: exactly 12 digits (CNAPS); 11 and 13 refused. */
static void test_bank_code(void **state)
{
	const struct feed_column *bank = col("bank_accounts", "bank_code");

	(void)state;
	assert_text_ok(bank, "102338000018", "102338000018");
	assert_refused(bank, "10233800001");
	assert_refused(bank, "1023380000181");
	assert_refused(bank, "10233800001a");
	assert_refused(bank, "102338-00018");
}

static void test_occupation(void **state)
{
	const struct feed_column *occ = col("employment", "occupation_code");

	(void)state;
	assert_text_ok(occ, "6-18-01-01", "6-18-01-01");
	assert_text_ok(col("certificates", "occupation_code"), "4-07-10-01", "4-07-10-01");
	assert_refused(occ, "6-18-01-01-");
	assert_refused(occ, "-6-18-01-01");
	assert_refused(occ, "6--18-01-01");
	assert_refused(occ, "6-18-01-0a");
	assert_refused(occ, "6.18.01.01");
	assert_refused(occ, "6 18 01 01");
	assert_refused(occ, "6-180-01-01");
	assert_refused(occ, "6");
	assert_refused(occ, "-");
}

/* RULES.md section 1: the names of the parameters feed; policy_start and county_region are fixed. */
static void test_param_name(void **state)
{
	static const char *const names[] = {
		"TOP.monthly", "TOP.window_months", "TOP.award",
		"STAR.monthly", "STAR.window_months", "STAR.award",
		"ACE.monthly", "ACE.window_months", "ACE.award",
		"SRTECH.monthly", "SRTECH.cap_months",
		"TECH.monthly", "TECH.cap_months", "TECH.service_days",
		"ethics_lookback_months", "CHIEF.rate_pct", "CHIEF.cap",
	};
	const struct feed_column *pname = col("parameters", "name");

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_text_ok(pname, names[i], names[i]);
	assert_refused(pname, "policy_start");
	assert_refused(pname, "county_region");
	assert_refused(pname, "TOP.foo");
	assert_refused(pname, "top.monthly");
	assert_refused(pname, "TOP.monthly ");
	assert_refused(pname, "TOP");
	/* "there is no SRTECH.service_days" */
	assert_refused(pname, "SRTECH.service_days");
}

static void test_whole(void **state)
{
	const struct feed_column *value = col("parameters", "value");

	(void)state;
	assert_int_ok(value, "0", 0);
	assert_int_ok(value, "365", 365);
	assert_int_ok(value, "50000", 50000);
	assert_int_ok(value, "007", 7);
	assert_int_ok(value, "99999999999999", INT64_C(99999999999999));
	assert_refused(value, "-1");
	assert_refused(value, "+1");
	assert_refused(value, "1.5");
	assert_refused(value, "500.00");
	assert_refused(value, "1e3");
	assert_refused(value, "1,000");
	/* Past INT64_MAX: refused rather than wrapped. */
	assert_refused(value, "99999999999999999999");
	assert_refused(value, "9223372036854775808");
}

static void test_kind(void **state)
{
	static const char *const kinds[] = {
		"TOP", "STAR", "ACE", "SRTECH", "TECH", "TOP_AWARD", "STAR_AWARD", "ACE_AWARD", "CHIEF",
	};
	const struct feed_column *kind = col("paid_history", "kind");

	(void)state;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		assert_text_ok(kind, kinds[i], kinds[i]);
	assert_refused(kind, "top");
	assert_refused(kind, "BONUS");
	assert_refused(kind, "TOP_");
	assert_refused(kind, "TALENT");
}

static void test_date(void **state)
{
	const struct feed_column *date = col("employment", "start_date");

	(void)state;
	assert_int_ok(date, "2024-02-29", 20240229);
	assert_int_ok(date, "2021-08-01", 20210801);
	assert_int_ok(date, "1900-01-01", 19000101);
	assert_int_ok(date, "2199-12-31", 21991231);
	assert_refused(date, "2023-02-29");
	assert_refused(date, "2023-1-05");
	assert_refused(date, "2023/01/05");
	assert_refused(date, "20230105");
	assert_refused(date, " 2023-01-05");
	assert_refused(date, "2023-01-05 ");
	assert_refused(date, "2023-01");
}

static void test_month(void **state)
{
	const struct feed_column *month = col("social_insurance", "month");

	(void)state;
	assert_int_ok(month, "2021-08", 202108);
	assert_int_ok(month, "2024-12", 202412);
	assert_int_ok(month, "2025-01", 202501);
	assert_refused(month, "2021-8");
	assert_refused(month, "2021-13");
	assert_refused(month, "2021-00");
	assert_refused(month, "2021-08-01");
	assert_refused(month, "202108");
}

static void test_amount(void **state)
{
	const struct feed_column *amount = col("enterprise_allowance", "amount");

	(void)state;
	assert_int_ok(amount, "500.05", 50005);
	assert_int_ok(amount, "500.5", 50050);
	assert_int_ok(amount, "500", 50000);
	assert_int_ok(amount, "0", 0);
	assert_int_ok(amount, "999999999999.99", SP_MONEY_MAX_FEN);
	assert_int_ok(col("paid_history", "amount"), "200.00", 20000);
	assert_refused(amount, "1.234");
	assert_refused(amount, "-1.00");
	assert_refused(amount, "1000000000000");
	assert_refused(amount, "1,000");
	assert_refused(amount, ".5");
}

static void test_person_id(void **state)
{
	const struct feed_column *pid = col("persons", "person_id");
	struct field_value v;
	char reason[128];

	(void)state;
	assert_text_ok(pid, PUBLISHED_ID, PUBLISHED_ID);
	/* Lower-case x is accepted and stored as X. */
	assert_text_ok(pid, "11010519491231002x", PUBLISHED_ID);
	assert_refused(pid, "110105194912310021");
	assert_refused(pid, "11010519491231002");
	assert_refused(pid, PUBLISHED_CODE);
	/* Not in the future relative to the today argument. */
	assert_int_equal(field_check(pid, PUBLISHED_ID, 18, day_from_ymd(1949, 12, 30), &v, reason,
				     sizeof(reason)), -1);
	assert_int_equal(field_check(pid, PUBLISHED_ID, 18, day_from_ymd(1949, 12, 31), &v, reason,
				     sizeof(reason)), 0);
	assert_string_equal(v.text, PUBLISHED_ID);
}

static void test_employer_id(void **state)
{
	const struct feed_column *eid = col("employers", "employer_id");

	(void)state;
	assert_text_ok(eid, PUBLISHED_CODE, PUBLISHED_CODE);
	assert_refused(eid, "91350100M000100Y44");
	assert_refused(eid, "91350100m000100y43");
	assert_refused(eid, "91350100I000100Y43");
	assert_refused(eid, PUBLISHED_ID);
}

static void test_payee_id(void **state)
{
	const struct feed_column *payee = col("bank_accounts", "payee_id");

	(void)state;
	assert_text_ok(payee, PUBLISHED_ID, PUBLISHED_ID);
	assert_text_ok(payee, "11010519491231002x", PUBLISHED_ID);
	assert_text_ok(payee, PUBLISHED_CODE, PUBLISHED_CODE);
	assert_text_ok(col("paid_history", "payee_id"), PUBLISHED_CODE, PUBLISHED_CODE);
	assert_refused(payee, "110105194912310021");
	assert_refused(payee, "91350100M000100Y44");
	assert_refused(payee, "123");
}

/* A small reason buffer is truncated, never overrun (ASan watches the heap copy). */
static void test_small_reason_buffer(void **state)
{
	char *reason = malloc(8);
	struct field_value v;

	(void)state;
	assert_non_null(reason);
	assert_int_equal(field_check(col("persons", "name"), "", 0, today(), &v, reason, 8), -1);
	assert_int_equal(strlen(reason), 7);
	assert_int_equal(field_check(col("employers", "region"), "3307", 4, today(), &v, reason, 8), -1);
	assert_true(strlen(reason) < 8);
	assert_int_equal(field_check(col("persons", "name"), "a\x01", 2, today(), &v, reason, 8), -1);
	assert_true(strlen(reason) < 8);
	free(reason);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_required_and_optional),
		cmocka_unit_test(test_text_length),
		cmocka_unit_test(test_text_limit_applies_to_every_type),
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_utf8_check_counts),
		cmocka_unit_test(test_enum),
		cmocka_unit_test(test_level),
		cmocka_unit_test(test_hand_made_level),
		cmocka_unit_test(test_region),
		cmocka_unit_test(test_account_no),
		cmocka_unit_test(test_bank_code),
		cmocka_unit_test(test_occupation),
		cmocka_unit_test(test_param_name),
		cmocka_unit_test(test_whole),
		cmocka_unit_test(test_kind),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_month),
		cmocka_unit_test(test_amount),
		cmocka_unit_test(test_person_id),
		cmocka_unit_test(test_employer_id),
		cmocka_unit_test(test_payee_id),
		cmocka_unit_test(test_small_reason_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
