/* test_report.c - the report tables and renderers (src/out/report.c): display widths of
 * Chinese text, aligned text tables, CSV with BOM and RFC 4180 quoting, the xlsx container,
 * totals with overflow checks, and the mapping of a rules trace to why a payee stopped.
 * Expected outputs are worked out by hand (widths: a CJK character is 2 columns). */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "skillpay/report.h"

static bool contains(const char *buf, size_t n, const char *what)
{
	size_t m = strlen(what);

	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(buf + i, what, m) == 0)
			return true;
	return false;
}

/* Renders r with fn into a string (caller frees). */
static char *render(const struct report *r, int (*fn)(const struct report *, FILE *, struct sp_error *))
{
	struct sp_error err = { 0 };
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	assert_non_null(f);
	assert_int_equal(fn(r, f, &err), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* The report of the alignment tests: a person with a 3-character name, an employer with a
 * 12-character name, a negative amount. */
static void build_people(struct report *r)
{
	static const char *const headers[] = { "payee_id", "name", "amount" };
	struct sp_error err = { 0 };
	struct report_table *t;

	report_init(r);
	assert_int_equal(report_set_title(r, &err, "R"), 0);
	assert_int_equal(report_add_table(r, "people", "t", "ttf", headers, &t, &err), 0);
	assert_int_equal(report_add_row(t, &err, "ttf", "330723199209300216", "李俊杰", (int64_t)-100000), 0);
	assert_int_equal(report_add_row(t, &err, "ttf", "E1", "浙江恒达五金工具有限公司", (int64_t)9000), 0);
	assert_int_equal(report_add_totals(t, "total", &err), 0);
	assert_int_equal(err.code, 0);
}

static void test_display_width(void **state)
{
	(void)state;
	assert_int_equal(report_display_width(""), 0);
	assert_int_equal(report_display_width("abc"), 3);
	assert_int_equal(report_display_width("李俊杰"), 6);
	/* 武人社复 8, 〔 2, 2026 4, 〕 2, 3 1, 号 2 */
	assert_int_equal(report_display_width("武人社复〔2026〕3号"), 19);
	assert_int_equal(report_display_width("（A）"), 5);      /* fullwidth parentheses */
	assert_int_equal(report_display_width("\xff" "a"), 2);   /* a malformed byte is one column */
	assert_int_equal(report_display_width("\xe6\x9d"), 2);   /* a cut sequence: two bad bytes */
}

static void test_text_alignment(void **state)
{
	struct report r;
	char *out;

	(void)state;
	build_people(&r);
	out = render(&r, report_write_text);
	assert_string_equal(out,
		"R\n"
		"\n"
		"t\n"
		"payee_id            name                        amount\n"
		"------------------------------------------------------\n"
		"330723199209300216  李俊杰                    -1000.00\n"
		"E1                  浙江恒达五金工具有限公司     90.00\n"
		"------------------------------------------------------\n"
		"total                                          -910.00\n");
	free(out);
	report_release(&r);
}

static void test_text_empty_table(void **state)
{
	static const char *const headers[] = { "kind", "lines", "amount" };
	struct sp_error err = { 0 };
	struct report_table *t;
	struct report r;
	char *out;

	(void)state;
	report_init(&r);
	assert_int_equal(report_set_title(&r, &err, "E"), 0);
	assert_int_equal(report_add_note(&r, &err, "note %d", 1), 0);
	assert_int_equal(report_add_table(&r, "empty", "nothing", "tcf", headers, &t, &err), 0);
	assert_int_equal(report_add_totals(t, "total", &err), 0);
	out = render(&r, report_write_text);
	/* An empty table says so; its totals are zero, not blank. */
	assert_string_equal(out,
		"E\n"
		"note 1\n"
		"\n"
		"nothing\n"
		"kind   lines  amount\n"
		"--------------------\n"
		"(none)\n"
		"total      0    0.00\n");
	free(out);
	report_release(&r);
}

static void test_csv(void **state)
{
	static const char *const headers[] = { "payee_id", "name", "n", "amount" };
	struct sp_error err = { 0 };
	struct report_table *t;
	struct report r;
	char *out;

	(void)state;
	report_init(&r);
	assert_int_equal(report_set_title(&r, &err, "summary, 2026-11"), 0);
	assert_int_equal(report_add_table(&r, "x", "tab", "ttcf", headers, &t, &err), 0);
	assert_int_equal(report_add_row(t, &err, "ttcf", "a,b", "say \"hi\"", (int64_t)7, (int64_t)-123456), 0);
	assert_int_equal(report_add_row(t, &err, "ttcf", "=1+1", "two\nlines", (int64_t)0, (int64_t)5), 0);
	assert_int_equal(report_add_row(t, &err, "-tcf", "李俊杰", (int64_t)1, (int64_t)0), 0);
	assert_int_equal(report_add_totals(t, "total", &err), 0);
	out = render(&r, report_write_csv);
	assert_string_equal(out,
		"\xEF\xBB\xBF\"summary, 2026-11\"\r\n"
		"\r\n"
		"tab\r\n"
		"payee_id,name,n,amount\r\n"
		"\"a,b\",\"say \"\"hi\"\"\",7,-1234.56\r\n"
		"\"'=1+1\",\"two\nlines\",0,0.05\r\n"
		",李俊杰,1,0.00\r\n"
		"total,,8,-1234.51\r\n");
	free(out);
	report_release(&r);
}

static void test_totals_overflow(void **state)
{
	static const char *const headers[] = { "k", "amount" };
	struct sp_error err = { 0 };
	struct report_table *t;
	struct report r;

	(void)state;
	report_init(&r);
	assert_int_equal(report_add_table(&r, "x", "big", "tf", headers, &t, &err), 0);
	assert_int_equal(report_add_row(t, &err, "tf", "a", INT64_MAX - 1), 0);
	assert_int_equal(report_add_row(t, &err, "tf", "b", (int64_t)2), 0);
	assert_int_equal(report_add_totals(t, "total", &err), -1);
	assert_int_equal(err.code, SP_EXIT_INTERNAL);
	assert_non_null(strstr(err.message, "overflows"));
	report_release(&r);
}

static void test_totals_exact(void **state)
{
	static const char *const headers[] = { "k", "n", "amount" };
	struct sp_error err = { 0 };
	struct report_table *t;
	struct report r;

	(void)state;
	report_init(&r);
	assert_int_equal(report_add_table(&r, "x", "sum", "tcf", headers, &t, &err), 0);
	assert_int_equal(report_add_row(t, &err, "tcf", "a", (int64_t)3, (int64_t)-100000), 0);
	assert_int_equal(report_add_row(t, &err, "tcf", "b", (int64_t)4, (int64_t)1), 0);
	assert_int_equal(report_add_row(t, &err, "t--", "c"), 0);
	assert_int_equal(report_add_totals(t, "total", &err), 0);
	assert_int_equal(t->totals_row, 3);
	assert_int_equal(report_cell_at(t, 3, 1)->type, REPORT_CELL_COUNT);
	assert_int_equal(report_cell_at(t, 3, 1)->value, 7);
	assert_int_equal(report_cell_at(t, 3, 2)->type, REPORT_CELL_FEN);
	assert_int_equal(report_cell_at(t, 3, 2)->value, -99999);
	report_release(&r);
	report_release(NULL);
}

/* The xlsx is a zip whose local headers name its parts in clear: the workbook, one sheet per
 * table, the styles (with the "0.00" format) and the shared strings. */
static void test_xlsx_container(void **state)
{
	char path[] = "/tmp/test_report_XXXXXX";
	struct sp_error err = { 0 };
	struct report r;
	char buf[65536];
	size_t n;
	FILE *f;
	int fd;

	(void)state;
	build_people(&r);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(report_write_xlsx(&r, path, &err), 0);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	unlink(path);
	assert_true(n > 4 && n < sizeof(buf));
	assert_memory_equal(buf, "PK\x03\x04", 4);
	assert_true(contains(buf, n, "xl/worksheets/sheet1.xml"));
	assert_false(contains(buf, n, "xl/worksheets/sheet2.xml"));
	assert_true(contains(buf, n, "xl/styles.xml"));
	assert_true(contains(buf, n, "xl/sharedStrings.xml"));
	report_release(&r);
}

static void test_xlsx_unwritable(void **state)
{
	struct sp_error err = { 0 };
	struct report r;

	(void)state;
	build_people(&r);
	assert_int_equal(report_write_xlsx(&r, "/nonexistent-dir/x.xlsx", &err), -1);
	assert_int_equal(err.code, SP_EXIT_INTERNAL);
	assert_non_null(strstr(err.message, "/nonexistent-dir/x.xlsx"));
	report_release(&r);
}

static void test_parse_names(void **state)
{
	enum report_kind k;
	enum report_format f;

	(void)state;
	assert_int_equal(report_kind_parse("changes", &k), 0);
	assert_int_equal(k, REPORT_CHANGES);
	assert_int_equal(report_kind_parse("balance", &k), -1);
	assert_int_equal(report_format_parse("xlsx", &f), 0);
	assert_int_equal(f, REPORT_XLSX);
	assert_int_equal(report_format_parse("XLSX", &f), -1);
}

/* ---- report_stop_reason: traces written as the engine writes them ---- */

static void trace_add(struct rules_trace *t, const char *rule, const char *subject, bool passed)
{
	struct rules_trace_entry *e;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->v = realloc(t->v, (size_t)t->cap * sizeof(*t->v));
		assert_non_null(t->v);
	}
	e = &t->v[t->n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->rule, sizeof(e->rule), "%s", rule);
	snprintf(e->subject, sizeof(e->subject), "%s", subject);
	e->passed = passed;
}

static void assert_reason(const struct rules_trace *t, enum sp_kind kind, const char *employer,
			  const char *want_reason, const char *want_rule)
{
	const char *rule = "unset";
	const char *reason = report_stop_reason(t, kind, employer, &rule);

	assert_string_equal(reason, want_reason);
	assert_string_equal(rule, want_rule);
}

static void test_reason_r1_first(void **state)
{
	struct rules_trace t;

	(void)state;
	rules_trace_init(&t, 2026 * 12 + 10);
	trace_add(&t, "R1", "person", false);
	trace_add(&t, "R4f", "TECH", true);
	trace_add(&t, "R6", "TECH", true);
	trace_add(&t, "R4g", "TECH", true);
	trace_add(&t, "R4h", "TECH", false);
	assert_reason(&t, KIND_TECH, NULL, "no local social insurance", "R1");
	rules_trace_release(&t);
}

static void test_reason_retired_and_cap(void **state)
{
	struct rules_trace t;

	(void)state;
	rules_trace_init(&t, 2026 * 12 + 10);
	trace_add(&t, "R1", "person", true);
	trace_add(&t, "R4f", "SRTECH", true);
	trace_add(&t, "R6", "SRTECH", false);
	trace_add(&t, "R4g", "SRTECH", false);
	trace_add(&t, "R4h", "SRTECH", false);
	assert_reason(&t, KIND_SRTECH, NULL, "retired", "R6");
	/* SRTECH's entries say nothing about TECH, which has none: nothing explains it. */
	assert_reason(&t, KIND_TECH, NULL, "facts changed", "");
	rules_trace_release(&t);

	rules_trace_init(&t, 2026 * 12 + 10);
	trace_add(&t, "R1", "person", true);
	trace_add(&t, "R4f", "TECH", true);
	trace_add(&t, "R6", "TECH", true);
	trace_add(&t, "R4g", "TECH", true);
	trace_add(&t, "R4h", "TECH", false);
	trace_add(&t, "R4i", "TECH", true);
	trace_add(&t, "R4a", "TECH Y0001", true);
	assert_reason(&t, KIND_TECH, NULL, "cap reached", "R4h");
	rules_trace_release(&t);
}

/* One spell that does not cover the month (R4b fails) decides nothing when another spell
 * covers it; the enterprise allowance (R4e) of that spell does. */
static void test_reason_spells(void **state)
{
	struct rules_trace t;

	(void)state;
	rules_trace_init(&t, 2026 * 12 + 10);
	trace_add(&t, "R1", "person", true);
	trace_add(&t, "R4f", "TECH", true);
	trace_add(&t, "R6", "TECH", true);
	trace_add(&t, "R4g", "TECH", true);
	trace_add(&t, "R4h", "TECH", true);
	trace_add(&t, "R4a", "TECH Y0001", true);
	trace_add(&t, "R4c", "TECH Y0001", false);
	trace_add(&t, "R4b", "TECH Y0001", false);
	trace_add(&t, "R4b", "TECH Y0001", true);
	trace_add(&t, "R4s", "TECH Y0001", true);
	trace_add(&t, "R4d", "TECH Y0001", true);
	trace_add(&t, "R4e", "TECH Y0001", false);
	assert_reason(&t, KIND_TECH, NULL, "no enterprise allowance", "R4e");
	rules_trace_release(&t);

	rules_trace_init(&t, 2026 * 12 + 10);
	trace_add(&t, "R1", "person", true);
	trace_add(&t, "R4a", "TECH Y0001", true);
	trace_add(&t, "R4c", "TECH Y0001", true);
	trace_add(&t, "R4b", "TECH Y0001", false);
	assert_reason(&t, KIND_TECH, NULL, "employer not eligible or no employment spell", "R4b");
	rules_trace_release(&t);

	/* A retracted certificate: the engine notes "no certificate of level 2" under R4a. */
	rules_trace_init(&t, 2026 * 12 + 10);
	trace_add(&t, "R1", "person", true);
	trace_add(&t, "R4f", "TECH", true);
	trace_add(&t, "R4a", "TECH", false);
	assert_reason(&t, KIND_TECH, NULL, "no qualifying certificate", "R4a");
	rules_trace_release(&t);
}

static void test_reason_windows(void **state)
{
	struct rules_trace t;

	(void)state;
	/* Two TOP records: the old window ended, the new one is in window but terminated. */
	rules_trace_init(&t, 2026 * 12 + 10);
	trace_add(&t, "R1", "person", true);
	trace_add(&t, "R2", "TOP 武政办〔2019〕1号", false);
	trace_add(&t, "R2", "TOP 武政办〔2022〕12号", true);
	trace_add(&t, "R2a", "TOP 武政办〔2022〕12号", false);
	assert_reason(&t, KIND_TOP, NULL, "moved away (insured only outside the county)", "R2a");
	trace_add(&t, "R3", "STAR 武政办〔2020〕3号", false);
	assert_reason(&t, KIND_STAR, NULL, "title window ended", "R3");
	trace_add(&t, "R2b", "TOP 武政办〔2022〕12号", false);
	assert_reason(&t, KIND_TOP, NULL, "moved away (insured only outside the county)", "R2a");
	assert_reason(&t, KIND_ACE_AWARD, NULL, "one-time award", "R7");
	rules_trace_release(&t);
}

static void test_reason_chief(void **state)
{
	struct rules_trace t;

	(void)state;
	rules_trace_init(&t, 2026 * 12 + 10);
	trace_add(&t, "R1", "person", false);   /* R1 is not a condition of CHIEF */
	trace_add(&t, "R13", "CHIEF 91330723147836056G", false);
	assert_reason(&t, KIND_CHIEF, "913307237046728173", "no longer the counting chief craftsman", "R13");
	assert_reason(&t, KIND_CHIEF, "91330723147836056G",
		      "no social insurance or enterprise allowance at the employer", "R13");
	rules_trace_release(&t);

	rules_trace_init(&t, 2026 * 12 + 10);
	trace_add(&t, "R0", "person", false);
	assert_reason(&t, KIND_TECH, NULL, "not a known person", "R0");
	rules_trace_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_display_width),
		cmocka_unit_test(test_text_alignment),
		cmocka_unit_test(test_text_empty_table),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_totals_overflow),
		cmocka_unit_test(test_totals_exact),
		cmocka_unit_test(test_xlsx_container),
		cmocka_unit_test(test_xlsx_unwritable),
		cmocka_unit_test(test_parse_names),
		cmocka_unit_test(test_reason_r1_first),
		cmocka_unit_test(test_reason_retired_and_cap),
		cmocka_unit_test(test_reason_spells),
		cmocka_unit_test(test_reason_windows),
		cmocka_unit_test(test_reason_chief),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
