/* test_bankreturn.c - the two bank return parsers (CLI.md "Bank returns"): CSV
 * end_to_end_id,status,reason_code and pain.002.001.10 validated against its schema. Each test
 * writes a temporary file, parses it and checks the statuses or the exact problems reported.
 * The schema is found as skillpay finds it (tests run from the repository root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "skillpay/bankreturn.h"

#define PROBLEMS_MAX 16

struct parsed {
	int rc;
	struct sp_error err;
	struct bankreturn r;
	int n_problems;
	char problem[PROBLEMS_MAX][600];   /* "LINE|SUBJECT|REASON" */
};

static void collect(void *ctx, const char *file, long line, const char *subject, const char *reason)
{
	struct parsed *p = ctx;

	assert_non_null(file);
	if (p->n_problems < PROBLEMS_MAX)
		snprintf(p->problem[p->n_problems], sizeof(p->problem[0]), "%ld|%s|%s", line, subject, reason);
	p->n_problems++;
}

static struct parsed *parse_bytes(const char *text, size_t len)
{
	char path[] = "/tmp/test_bankreturn_XXXXXX";
	int fd = mkstemp(path);
	struct parsed *p = calloc(1, sizeof(*p));

	assert_true(fd >= 0);
	assert_non_null(p);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	p->rc = bankreturn_parse(path, NULL, collect, p, &p->r, &p->err);
	unlink(path);
	return p;
}

static struct parsed *parse_text(const char *text)
{
	return parse_bytes(text, strlen(text));
}

static void parsed_free(struct parsed *p)
{
	bankreturn_release(&p->r);
	assert_null(p->r.entries);
	free(p);
}

static void assert_entry(const struct bankreturn_entry *e, const char *ref, enum bankreturn_status status,
			 const char *reason)
{
	assert_string_equal(e->ref, ref);
	assert_int_equal(e->status, status);
	assert_string_equal(e->reason_code, reason);
}

/* ---- CSV ---- */

static void test_csv_valid(void **state)
{
	struct parsed *p;

	(void)state;
	p = parse_text("end_to_end_id,status,reason_code\n"
		       "SP20260900000001,settled,\n"
		       "SP20260900000004,rejected,AC04\r\n"
		       "\"SP20260900000008\",rejected,BE01\n");
	assert_int_equal(p->rc, 0);
	assert_int_equal(p->n_problems, 0);
	assert_int_equal(p->r.format, BANKRETURN_CSV);
	assert_int_equal(p->r.n, 3);
	assert_entry(&p->r.entries[0], "SP20260900000001", BANKRETURN_SETTLED, "");
	assert_entry(&p->r.entries[1], "SP20260900000004", BANKRETURN_REJECTED, "AC04");
	assert_entry(&p->r.entries[2], "SP20260900000008", BANKRETURN_REJECTED, "BE01");
	assert_int_equal(p->r.entries[1].line, 3);
	assert_int_equal(p->r.entries[2].line, 4);
	assert_false(p->r.entries[0].has_amount);
	parsed_free(p);
}

static void test_csv_header_only(void **state)
{
	struct parsed *p;

	(void)state;
	p = parse_text("\xEF\xBB\xBF" "end_to_end_id,status,reason_code\n");
	assert_int_equal(p->rc, 0);
	assert_int_equal(p->r.format, BANKRETURN_CSV);
	assert_int_equal(p->r.n, 0);
	parsed_free(p);
}

static void test_csv_bad_header(void **state)
{
	struct parsed *p;

	(void)state;
	p = parse_text("end_to_end_id,state,reason\nSP20260900000001,settled,\n");
	assert_int_equal(p->rc, -1);
	assert_int_equal(p->err.code, SP_EXIT_INPUT);
	assert_int_equal(p->n_problems, 2);  /* the rows are not read under a wrong header */
	assert_string_equal(p->problem[0], "1|status|header column 2 is 'state', expected 'status'");
	assert_string_equal(p->problem[1], "1|reason_code|header column 3 is 'reason', expected 'reason_code'");
	assert_non_null(strstr(p->err.message, "2 problems, nothing applied"));
	parsed_free(p);
}

static void test_csv_extra_header_column(void **state)
{
	struct parsed *p;

	(void)state;
	p = parse_text("end_to_end_id,status,reason_code,amount\n");
	assert_int_equal(p->rc, -1);
	assert_int_equal(p->n_problems, 1);
	assert_string_equal(p->problem[0],
			    "1|-|the header has 4 columns, expected end_to_end_id,status,reason_code");
	parsed_free(p);
}

static void test_csv_empty_file(void **state)
{
	struct parsed *p;

	(void)state;
	p = parse_text("");
	assert_int_equal(p->rc, -1);
	assert_int_equal(p->err.code, SP_EXIT_INPUT);
	assert_int_equal(p->n_problems, 1);
	assert_string_equal(p->problem[0], "1|-|the file is empty (no header end_to_end_id,status,reason_code)");
	parsed_free(p);
}

static void test_csv_unknown_status(void **state)
{
	struct parsed *p;

	(void)state;
	p = parse_text("end_to_end_id,status,reason_code\n"
		       "SP20260900000001,settled,\n"
		       "SP20260900000002,pending,\n"
		       "SP20260900000003,Settled,\n");
	assert_int_equal(p->rc, -1);
	assert_int_equal(p->err.code, SP_EXIT_INPUT);
	assert_int_equal(p->n_problems, 2);
	assert_string_equal(p->problem[0], "3|status|'pending' is not settled or rejected");
	assert_string_equal(p->problem[1], "4|status|'Settled' is not settled or rejected");
	parsed_free(p);
}

static void test_csv_missing_reason(void **state)
{
	struct parsed *p;

	(void)state;
	p = parse_text("end_to_end_id,status,reason_code\n"
		       "SP20260900000004,rejected,\n"
		       "SP20260900000005,rejected,AC004\n"
		       "SP20260900000006,rejected,ac04\n");
	assert_int_equal(p->rc, -1);
	assert_int_equal(p->n_problems, 3);
	assert_string_equal(p->problem[0], "2|reason_code|a rejected payment needs a reason code (e.g. AC04)");
	assert_string_equal(p->problem[1], "3|reason_code|'AC004' is not an ISO 20022 status reason code");
	assert_string_equal(p->problem[2], "4|reason_code|'ac04' is not an ISO 20022 status reason code");
	parsed_free(p);
}

static void test_csv_bad_rows(void **state)
{
	struct parsed *p;

	(void)state;
	/* 36 characters is one more than an EndToEndId may have (SP_END_TO_END_MAX). */
	p = parse_text("end_to_end_id,status,reason_code\n"
		       "SP20260900000001,settled\n"
		       ",settled,\n"
		       "SP2026090000000100000000000000000001,settled,\n"
		       "SP202609000000010000000000000000001,settled,\n");
	assert_int_equal(p->rc, -1);
	assert_int_equal(p->n_problems, 3);
	assert_string_equal(p->problem[0], "2|-|2 fields, expected 3 (end_to_end_id,status,reason_code)");
	assert_string_equal(p->problem[1], "3|end_to_end_id|'' is not an EndToEndId (1 to 35 characters)");
	assert_string_equal(p->problem[2],
			    "4|end_to_end_id|'SP2026090000000100000000000000000001' is not an EndToEndId (1 to 35 characters)");
	parsed_free(p);
}

/* A NUL inside a field must not pass for the text before it. */
static void test_csv_nul_bytes(void **state)
{
	static const char data[] = "end_to_end_id,status,reason_code\n"
				   "SP20260900000001,settled\0x,\n"
				   "SP20260900000002,rejected,AC\0XXXXXXXXXXXXXXXXXX\n";
	struct parsed *p;

	(void)state;
	p = parse_bytes(data, sizeof(data) - 1);
	assert_int_equal(p->rc, -1);
	assert_int_equal(p->n_problems, 2);
	assert_string_equal(p->problem[0], "2|status|'settled' is not settled or rejected");
	assert_string_equal(p->problem[1], "3|reason_code|'AC' is not an ISO 20022 status reason code");
	parsed_free(p);
}

/* ---- pain.002.001.10 ---- */

#define DOC_HEAD \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.10\">\n" \
	"<CstmrPmtStsRpt>\n" \
	"<GrpHdr><MsgId>PSR-1</MsgId><CreDtTm>2026-10-08T09:30:00</CreDtTm></GrpHdr>\n"
#define DOC_TAIL "</CstmrPmtStsRpt>\n</Document>\n"
#define GROUP(sts) \
	"<OrgnlGrpInfAndSts><OrgnlMsgId>SKILLPAY-2026-09</OrgnlMsgId>" \
	"<OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>" sts "</OrgnlGrpInfAndSts>\n"
#define PMTINF_OPEN "<OrgnlPmtInfAndSts><OrgnlPmtInfId>SKILLPAY-2026-09-TALENT</OrgnlPmtInfId>\n"
#define PMTINF_CLOSE "</OrgnlPmtInfAndSts>\n"
#define TX(id, rest) "<TxInfAndSts><OrgnlEndToEndId>" id "</OrgnlEndToEndId>" rest "</TxInfAndSts>\n"
#define RSN(cd) "<StsRsnInf><Rsn><Cd>" cd "</Cd></Rsn></StsRsnInf>"
#define AMT(ccy, a) "<OrgnlTxRef><Amt><InstdAmt Ccy=\"" ccy "\">" a "</InstdAmt></Amt></OrgnlTxRef>"

static void test_xml_valid(void **state)
{
	struct parsed *p;

	(void)state;
	p = parse_text(DOC_HEAD GROUP("<GrpSts>PART</GrpSts>") PMTINF_OPEN
		       TX("SP20260900000001", "<TxSts>ACSC</TxSts>" AMT("CNY", "4200.00"))
		       TX("SP20260900000002", "<TxSts>ACCP</TxSts>" AMT("CNY", "3400.5"))
		       TX("SP20260900000004", "<TxSts>RJCT</TxSts>" RSN("AC04") AMT("CNY", "2800.00000"))
		       TX("SP20260900000005", "<TxSts>ACSP</TxSts>")
		       TX("SP20260900000006", "<TxSts>ACTC</TxSts>")
		       TX("SP20260900000007", "<TxSts>PDNG</TxSts>")
		       PMTINF_CLOSE DOC_TAIL);
	assert_int_equal(p->n_problems, 0);
	assert_int_equal(p->rc, 0);
	assert_int_equal(p->r.format, BANKRETURN_PAIN002);
	assert_int_equal(p->r.n, 6);
	assert_entry(&p->r.entries[0], "SP20260900000001", BANKRETURN_SETTLED, "");
	assert_true(p->r.entries[0].has_amount);
	assert_int_equal(p->r.entries[0].amount_fen, 420000);
	assert_entry(&p->r.entries[1], "SP20260900000002", BANKRETURN_SETTLED, "");
	assert_int_equal(p->r.entries[1].amount_fen, 340050);
	assert_entry(&p->r.entries[2], "SP20260900000004", BANKRETURN_REJECTED, "AC04");
	assert_int_equal(p->r.entries[2].amount_fen, 280000);
	assert_int_equal(p->r.entries[2].line, 9);
	assert_entry(&p->r.entries[3], "SP20260900000005", BANKRETURN_PENDING, "");
	assert_false(p->r.entries[3].has_amount);
	assert_entry(&p->r.entries[4], "SP20260900000006", BANKRETURN_PENDING, "");
	assert_entry(&p->r.entries[5], "SP20260900000007", BANKRETURN_PENDING, "");
	for (int i = 0; i < 6; i++)
		assert_int_equal(p->r.entries[i].scope, BANKRETURN_ONE);
	parsed_free(p);
}

/* CLI.md: a group status applies to every payment without its own (and PmtInfSts before it). */
static void test_xml_group_status(void **state)
{
	struct parsed *p;

	(void)state;
	p = parse_text(DOC_HEAD GROUP("<GrpSts>RJCT</GrpSts>" RSN("AM04")) PMTINF_OPEN
		       TX("SP20260900000001", "")
		       TX("SP20260900000002", "<TxSts>ACSC</TxSts>")
		       PMTINF_CLOSE
		       "<OrgnlPmtInfAndSts><OrgnlPmtInfId>X</OrgnlPmtInfId><PmtInfSts>ACSC</PmtInfSts>\n"
		       TX("SP20260900000003", "")
		       PMTINF_CLOSE DOC_TAIL);
	assert_int_equal(p->n_problems, 0);
	assert_int_equal(p->rc, 0);
	assert_int_equal(p->r.n, 3);
	assert_entry(&p->r.entries[0], "SP20260900000001", BANKRETURN_REJECTED, "AM04");
	assert_entry(&p->r.entries[1], "SP20260900000002", BANKRETURN_SETTLED, "");
	assert_entry(&p->r.entries[2], "SP20260900000003", BANKRETURN_SETTLED, "");
	parsed_free(p);
}

static void test_xml_group_only(void **state)
{
	struct parsed *p;

	(void)state;
	p = parse_text(DOC_HEAD GROUP("<GrpSts>ACCP</GrpSts>") DOC_TAIL);
	assert_int_equal(p->rc, 0);
	assert_int_equal(p->r.n, 1);
	assert_int_equal(p->r.entries[0].scope, BANKRETURN_MESSAGE);
	assert_entry(&p->r.entries[0], "SKILLPAY-2026-09", BANKRETURN_SETTLED, "");
	parsed_free(p);
	p = parse_text(DOC_HEAD GROUP("<GrpSts>PART</GrpSts>") PMTINF_OPEN "<PmtInfSts>RJCT</PmtInfSts>" RSN("AC06")
		       PMTINF_CLOSE DOC_TAIL);
	assert_int_equal(p->rc, 0);
	assert_int_equal(p->r.n, 1);
	assert_int_equal(p->r.entries[0].scope, BANKRETURN_PMTINF);
	assert_entry(&p->r.entries[0], "SKILLPAY-2026-09-TALENT", BANKRETURN_REJECTED, "AC06");
	parsed_free(p);
}

static void test_xml_malformed(void **state)
{
	struct parsed *p;

	(void)state;
	p = parse_text(DOC_HEAD GROUP("<GrpSts>ACCP</GrpSts>") "<OrgnlPmtInfAndSts>\n" DOC_TAIL);
	assert_int_equal(p->rc, -1);
	assert_int_equal(p->err.code, SP_EXIT_INPUT);
	assert_true(p->n_problems >= 1);
	assert_non_null(strstr(p->problem[0], "|-|"));
	assert_non_null(strstr(p->problem[0], "mismatch"));
	assert_int_equal(p->r.n, 0);
	parsed_free(p);
	p = parse_text("<Document>");
	assert_int_equal(p->rc, -1);
	assert_int_equal(p->r.format, BANKRETURN_PAIN002);
	assert_true(p->n_problems >= 1);
	parsed_free(p);
}

static void test_xml_schema_invalid(void **state)
{
	struct parsed *p;

	(void)state;
	/* TxSts before OrgnlEndToEndId breaks the sequence; a 5-letter status breaks Max4 codes. */
	p = parse_text(DOC_HEAD GROUP("") PMTINF_OPEN
		       "<TxInfAndSts><TxSts>ACSC</TxSts><OrgnlEndToEndId>SP20260900000001</OrgnlEndToEndId></TxInfAndSts>\n"
		       TX("SP20260900000002", "<TxSts>ACSCX</TxSts>")
		       PMTINF_CLOSE DOC_TAIL);
	assert_int_equal(p->rc, -1);
	assert_int_equal(p->err.code, SP_EXIT_INPUT);
	assert_int_equal(p->n_problems, 2);
	assert_true(strncmp(p->problem[0], "7|-|", 4) == 0);
	assert_non_null(strstr(p->problem[0], "OrgnlEndToEndId"));
	assert_true(strncmp(p->problem[1], "8|-|", 4) == 0);
	assert_string_equal(p->problem[1], "8|-|Element 'TxSts': [facet 'maxLength'] The value has a length of '5'; "
			    "this exceeds the allowed maximum length of '4'.");
	assert_int_equal(p->r.n, 0);
	parsed_free(p);
	/* A well-formed pain.001 is not a status report. */
	p = parse_text("<?xml version=\"1.0\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09\"/>\n");
	assert_int_equal(p->rc, -1);
	assert_int_equal(p->n_problems, 1);
	assert_non_null(strstr(p->problem[0], "No matching global declaration"));
	parsed_free(p);
}

static void test_xml_statuses_refused(void **state)
{
	struct parsed *p;

	(void)state;
	p = parse_text(DOC_HEAD GROUP("") PMTINF_OPEN
		       TX("SP20260900000001", "<TxSts>RJCT</TxSts>")
		       TX("SP20260900000002", "<TxSts>ACWC</TxSts>")
		       TX("SP20260900000003", "")
		       TX("SP20260900000004", "<TxSts>ACSC</TxSts>" AMT("USD", "1.00"))
		       TX("SP20260900000005", "<TxSts>ACSC</TxSts>" AMT("CNY", "1.001"))
		       "<TxInfAndSts><TxSts>ACSC</TxSts></TxInfAndSts>\n"
		       PMTINF_CLOSE DOC_TAIL);
	assert_int_equal(p->rc, -1);
	assert_int_equal(p->err.code, SP_EXIT_INPUT);
	assert_int_equal(p->n_problems, 6);
	assert_string_equal(p->problem[0],
			    "0|EndToEndId 'SP20260900000001'|rejected (RJCT) without a reason code (StsRsnInf/Rsn/Cd)");
	assert_string_equal(p->problem[1],
			    "0|EndToEndId 'SP20260900000002'|status 'ACWC' is not ACSC, ACCP, RJCT, ACSP, ACTC or PDNG");
	assert_string_equal(p->problem[2],
			    "0|EndToEndId 'SP20260900000003'|no TxSts, and no PmtInfSts or GrpSts to apply");
	assert_string_equal(p->problem[3], "0|EndToEndId 'SP20260900000004'|amount currency 'USD' is not CNY");
	assert_string_equal(p->problem[4],
			    "0|EndToEndId 'SP20260900000005'|amount '1.001' is not a yuan amount with at most two decimals");
	assert_string_equal(p->problem[5], "12|TxInfAndSts|no OrgnlEndToEndId: the payment cannot be told");
	parsed_free(p);
}

/* Max35Text counts characters and allows blanks; skillpay ids are 1 to 35 bytes, never cut. */
static void test_xml_bad_ids(void **state)
{
	struct parsed *p;

	(void)state;
	p = parse_text(DOC_HEAD GROUP("<GrpSts>ACSC</GrpSts>") PMTINF_OPEN
		       TX(" ", "")
		       TX("\xe6\xad\xa6\xe4\xb9\x89\xe5\x8e\xbf\xe6\xad\xa6\xe4\xb9\x89\xe5\x8e\xbf"
			  "\xe6\xad\xa6\xe4\xb9\x89\xe5\x8e\xbf\xe6\xad\xa6\xe4\xb9\x89\xe5\x8e\xbf", "")
		       TX("SP20260900000003", "")
		       PMTINF_CLOSE DOC_TAIL);
	assert_int_equal(p->rc, -1);
	assert_int_equal(p->n_problems, 2);
	assert_string_equal(p->problem[0], "7|OrgnlEndToEndId|'' is not an id skillpay wrote (1 to 35 characters)");
	assert_true(strncmp(p->problem[1], "8|OrgnlEndToEndId|", 18) == 0);
	parsed_free(p);
}

static void test_xsd_dir(void **state)
{
	char dir[4096];
	struct sp_error err = { 0 };

	(void)state;
	assert_int_equal(setenv("SKILLPAY_XSD_DIR", "/nonexistent-xsd-dir", 1), 0);
	assert_int_equal(bankreturn_xsd_dir(dir, &err), -1);
	assert_int_equal(err.code, SP_EXIT_INTERNAL);
	assert_string_equal(err.message, "'/nonexistent-xsd-dir/pain.002.001.10.xsd' not found (SKILLPAY_XSD_DIR)");
	assert_int_equal(setenv("SKILLPAY_XSD_DIR", "../shared/xsd", 1), 0);
	sp_error_clear(&err);
	assert_int_equal(bankreturn_xsd_dir(dir, &err), 0);
	assert_string_equal(dir, "../shared/xsd");
	assert_int_equal(unsetenv("SKILLPAY_XSD_DIR"), 0);
	assert_int_equal(bankreturn_xsd_dir(dir, &err), 0);
	assert_int_equal(access(dir, R_OK), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_valid),
		cmocka_unit_test(test_csv_header_only),
		cmocka_unit_test(test_csv_bad_header),
		cmocka_unit_test(test_csv_extra_header_column),
		cmocka_unit_test(test_csv_empty_file),
		cmocka_unit_test(test_csv_unknown_status),
		cmocka_unit_test(test_csv_missing_reason),
		cmocka_unit_test(test_csv_bad_rows),
		cmocka_unit_test(test_csv_nul_bytes),
		cmocka_unit_test(test_xml_valid),
		cmocka_unit_test(test_xml_group_status),
		cmocka_unit_test(test_xml_group_only),
		cmocka_unit_test(test_xml_malformed),
		cmocka_unit_test(test_xml_schema_invalid),
		cmocka_unit_test(test_xml_statuses_refused),
		cmocka_unit_test(test_xml_bad_ids),
		cmocka_unit_test(test_xsd_dir),
	};

	unsetenv("SKILLPAY_XSD_DIR");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
