/* test_bankfile.c - the bank file writers and the configuration (CLI.md "Bank files",
 * "Configuration") on hand-made payment arrays: control totals worked out by hand, every
 * pain.001 validated against the ISO 20022 schema in ../shared/xsd/, GBK round trips through
 * iconv, delimiter and encoding refusals, summary placement, and the atomic write. Runs from the
 * repository root (meson's workdir). */
#define _GNU_SOURCE   /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include "skillpay/bankfile.h"
#include "skillpay/config.h"
#include "skillpay/store.h"

#define XSD_PATH "../shared/xsd/pain.001.001.09.xsd"
#define MEMO "武义县技能人才津贴2026年09月"

static const struct config_payer payer = {
	.name = "武义县财政局", .account = "33001234567890000001", .bank_code = "105338000012",
};

/* Three payments, two funding sources; sums by hand: TALENT 4200.00 + 0.01 = 4200.01,
 * PROVINCE 12345.67, all 16545.68. */
static struct bankfile_payment three[] = {
	{ "330723196501103970", "SP20260900000001", "TALENT", 420000, "6217349181068282104", "周德兴", "103338500028" },
	{ "91330723147836056G", "SP20260900000002", "PROVINCE", 1234567, "33010000006580009011", "武义金帆电器有限公司", "105338000012" },
	{ "330723199209300216", "SP20260900000003", "TALENT", 1, "6217836709301312715", "李俊杰", "102338500016" },
};

static struct bankfile_month month_of(struct bankfile_payment *p, size_t n)
{
	struct bankfile_month m = { .month = 202609, .closed_at = "2026-10-05T08:30:00Z", .payments = p, .count = n };

	return m;
}

static struct bankfile_cn_options cn_options(enum config_encoding e, char delimiter, enum config_summary s)
{
	struct bankfile_cn_options o = { .encoding = e, .delimiter = delimiter, .summary = s };

	return o;
}

/* ---- pain.001 ------------------------------------------------------------------------------ */

static xmlDocPtr parse_valid(const struct bankfile_buffer *b)
{
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(XSD_PATH);
	xmlSchemaPtr schema = pc ? xmlSchemaParse(pc) : NULL;
	xmlSchemaValidCtxtPtr vc = schema ? xmlSchemaNewValidCtxt(schema) : NULL;
	xmlDocPtr doc = xmlReadMemory(b->data, (int)b->len, "pain001.xml", NULL, XML_PARSE_NONET);
	int rc;

	if (!vc)
		fail_msg("cannot load the schema '%s' (run from the repository root)", XSD_PATH);
	assert_non_null(doc);
	rc = xmlSchemaValidateDoc(vc, doc);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pc);
	if (rc != 0)
		fail_msg("the pain.001 file does not validate against %s:\n%s", XSD_PATH, b->data);
	return doc;
}

/* The text of the first node matching an XPath with prefix p for the pain.001 namespace. */
static void assert_xpath(xmlDocPtr doc, const char *path, const char *want)
{
	xmlXPathContextPtr x = xmlXPathNewContext(doc);
	xmlXPathObjectPtr r;
	xmlChar *got;

	xmlXPathRegisterNs(x, BAD_CAST "p", BAD_CAST BANKFILE_NAMESPACE);
	r = xmlXPathEvalExpression(BAD_CAST path, x);
	if (!r || !r->nodesetval || r->nodesetval->nodeNr == 0)
		fail_msg("no node '%s'", path);
	got = xmlNodeGetContent(r->nodesetval->nodeTab[0]);
	if (strcmp((const char *)got, want) != 0)
		fail_msg("%s: got '%s', want '%s'", path, (const char *)got, want);
	xmlFree(got);
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(x);
}

static double xpath_count(xmlDocPtr doc, const char *path)
{
	xmlXPathContextPtr x = xmlXPathNewContext(doc);
	xmlXPathObjectPtr r;
	double n;

	xmlXPathRegisterNs(x, BAD_CAST "p", BAD_CAST BANKFILE_NAMESPACE);
	r = xmlXPathEvalExpression(BAD_CAST path, x);
	assert_non_null(r);
	n = r->nodesetval ? r->nodesetval->nodeNr : 0;
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(x);
	return n;
}

static void test_pain001_totals_and_schema(void **state)
{
	struct bankfile_month m = month_of(three, 3);
	struct bankfile_buffer b = { 0 };
	struct sp_error err = { 0 };
	xmlDocPtr doc;

	(void)state;
	assert_int_equal(bankfile_pain001(&m, &payer, &b, &err), 0);
	doc = parse_valid(&b);
	assert_xpath(doc, "/p:Document/p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId", "SKILLPAY-2026-09");
	assert_xpath(doc, "//p:GrpHdr/p:CreDtTm", "2026-10-05T08:30:00Z");
	assert_xpath(doc, "//p:GrpHdr/p:NbOfTxs", "3");
	assert_xpath(doc, "//p:GrpHdr/p:CtrlSum", "16545.68");
	assert_xpath(doc, "//p:GrpHdr/p:InitgPty/p:Nm", "武义县财政局");
	/* One PmtInf per funding source, in funding order: PROVINCE, then TALENT. */
	assert_true(xpath_count(doc, "//p:PmtInf") == 2);
	assert_xpath(doc, "//p:PmtInf[1]/p:PmtInfId", "SKILLPAY-2026-09-PROVINCE");
	assert_xpath(doc, "//p:PmtInf[1]/p:NbOfTxs", "1");
	assert_xpath(doc, "//p:PmtInf[1]/p:CtrlSum", "12345.67");
	assert_xpath(doc, "//p:PmtInf[2]/p:PmtInfId", "SKILLPAY-2026-09-TALENT");
	assert_xpath(doc, "//p:PmtInf[2]/p:NbOfTxs", "2");
	assert_xpath(doc, "//p:PmtInf[2]/p:CtrlSum", "4200.01");
	assert_xpath(doc, "//p:PmtInf[2]/p:ReqdExctnDt/p:Dt", "2026-10-05");
	assert_xpath(doc, "//p:PmtInf[2]/p:Dbtr/p:Nm", "武义县财政局");
	assert_xpath(doc, "//p:PmtInf[2]/p:DbtrAcct/p:Id/p:Othr/p:Id", "33001234567890000001");
	assert_xpath(doc, "//p:PmtInf[2]/p:DbtrAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId", "105338000012");
	/* Within a PmtInf, by EndToEndId; Chinese names kept as they are. */
	assert_xpath(doc, "//p:PmtInf[2]/p:CdtTrfTxInf[1]/p:PmtId/p:EndToEndId", "SP20260900000001");
	assert_xpath(doc, "//p:PmtInf[2]/p:CdtTrfTxInf[1]/p:Amt/p:InstdAmt", "4200.00");
	assert_xpath(doc, "//p:PmtInf[2]/p:CdtTrfTxInf[1]/p:Amt/p:InstdAmt/@Ccy", "CNY");
	assert_xpath(doc, "//p:PmtInf[2]/p:CdtTrfTxInf[1]/p:Cdtr/p:Nm", "周德兴");
	assert_xpath(doc, "//p:PmtInf[2]/p:CdtTrfTxInf[1]/p:CdtrAcct/p:Id/p:Othr/p:Id", "6217349181068282104");
	assert_xpath(doc, "//p:PmtInf[2]/p:CdtTrfTxInf[1]/p:CdtrAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId", "103338500028");
	assert_xpath(doc, "//p:PmtInf[2]/p:CdtTrfTxInf[1]/p:RmtInf/p:Ustrd", MEMO);
	assert_xpath(doc, "//p:PmtInf[2]/p:CdtTrfTxInf[2]/p:PmtId/p:EndToEndId", "SP20260900000003");
	assert_xpath(doc, "//p:PmtInf[2]/p:CdtTrfTxInf[2]/p:Amt/p:InstdAmt", "0.01");
	assert_xpath(doc, "//p:PmtInf[1]/p:CdtTrfTxInf[1]/p:Cdtr/p:Nm", "武义金帆电器有限公司");
	/* The UTF-8 bytes are in the file itself, not character references. */
	assert_non_null(strstr(b.data, "<Nm>周德兴</Nm>"));
	assert_non_null(strstr(b.data, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
	xmlFreeDoc(doc);
	bankfile_buffer_release(&b);
}

/* The same input gives the same bytes (nothing reads the clock). */
static void test_pain001_deterministic(void **state)
{
	struct bankfile_month m = month_of(three, 3);
	struct bankfile_buffer a = { 0 }, b = { 0 };
	struct sp_error err = { 0 };

	(void)state;
	assert_int_equal(bankfile_pain001(&m, &payer, &a, &err), 0);
	assert_int_equal(bankfile_pain001(&m, &payer, &b, &err), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	bankfile_buffer_release(&a);
	bankfile_buffer_release(&b);
}

/* Boundaries of the schema: a 140-character name and a 34-character account validate;
 * 141 and 35 are refused, naming the payee. Big amounts keep their fen. */
static void test_pain001_limits(void **state)
{
	char name140[140 * 3 + 1] = "", name141[141 * 3 + 1] = "";
	struct bankfile_payment p[] = {
		{ "P1", "SP20260900000001", "TALENT", INT64_C(99999999999999), "1234567890123456789012345678901234", name140, "105338000012" },
		{ "P2", "SP20260900000002", "TALENT", 1, "1", "甲", "105338000012" },
	};
	struct bankfile_month m = month_of(p, 2);
	struct bankfile_buffer b = { 0 };
	struct sp_error err = { 0 };
	xmlDocPtr doc;

	(void)state;
	for (int i = 0; i < 140; i++)
		strcat(name140, "甲");
	for (int i = 0; i < 141; i++)
		strcat(name141, "甲");
	assert_int_equal(bankfile_pain001(&m, &payer, &b, &err), 0);
	doc = parse_valid(&b);
	assert_xpath(doc, "//p:GrpHdr/p:CtrlSum", "1000000000000.00");
	assert_xpath(doc, "//p:CdtTrfTxInf[1]/p:Amt/p:InstdAmt", "999999999999.99");
	xmlFreeDoc(doc);
	bankfile_buffer_release(&b);

	p[0].account_name = name141;
	assert_int_equal(bankfile_pain001(&m, &payer, &b, &err), -1);
	assert_int_equal(err.code, SP_EXIT_INPUT);
	assert_non_null(strstr(err.message, "payee 'P1'"));
	assert_non_null(strstr(err.message, "longer than 140 characters"));
	assert_null(b.data);

	sp_error_clear(&err);
	p[0].account_name = name140;
	p[0].account_no = "12345678901234567890123456789012345";
	assert_int_equal(bankfile_pain001(&m, &payer, &b, &err), -1);
	assert_int_equal(err.code, SP_EXIT_INPUT);
	assert_non_null(strstr(err.message, "account_no"));
	assert_null(b.data);
}

static void test_pain001_refusals(void **state)
{
	struct bankfile_payment p[] = {
		{ "P1", "SP20260900000001", "TALENT", 100, "6217", "周\n德兴", "105338000012" },
	};
	struct bankfile_month m = month_of(p, 1);
	struct config_payer no_code = payer;
	struct bankfile_buffer b = { 0 };
	struct sp_error err = { 0 };

	(void)state;
	assert_int_equal(bankfile_pain001(&m, &payer, &b, &err), -1);
	assert_int_equal(err.code, SP_EXIT_INPUT);
	assert_non_null(strstr(err.message, "control character"));

	sp_error_clear(&err);
	p[0].account_name = "\xe5\x91";   /* cut in the middle of a character */
	assert_int_equal(bankfile_pain001(&m, &payer, &b, &err), -1);
	assert_non_null(strstr(err.message, "not valid UTF-8"));

	sp_error_clear(&err);
	p[0].account_name = "周德兴";
	no_code.bank_code[0] = '\0';
	assert_int_equal(bankfile_pain001(&m, &no_code, &b, &err), -1);
	assert_int_equal(err.code, SP_EXIT_USAGE);
	assert_non_null(strstr(err.message, "bank_code"));

	sp_error_clear(&err);
	snprintf(m.closed_at, sizeof(m.closed_at), "2026-10-05 08:30:00");
	assert_int_equal(bankfile_pain001(&m, &payer, &b, &err), -1);
	assert_int_equal(err.code, SP_EXIT_INTEGRITY);
	assert_null(b.data);
}

static void test_initiating_party(void **state)
{
	struct bankfile_month m = month_of(three, 1);
	struct config_payer other = payer;
	struct bankfile_buffer b = { 0 };
	struct sp_error err = { 0 };
	xmlDocPtr doc;

	(void)state;
	snprintf(other.initiating_party, sizeof(other.initiating_party), "武义县人力资源和社会保障局");
	assert_int_equal(bankfile_pain001(&m, &other, &b, &err), 0);
	doc = parse_valid(&b);
	assert_xpath(doc, "//p:GrpHdr/p:InitgPty/p:Nm", "武义县人力资源和社会保障局");
	assert_xpath(doc, "//p:PmtInf/p:Dbtr/p:Nm", "武义县财政局");
	assert_xpath(doc, "//p:GrpHdr/p:CtrlSum", "4200.00");
	xmlFreeDoc(doc);
	bankfile_buffer_release(&b);
}

static void test_totals_overflow(void **state)
{
	struct bankfile_payment p[] = {
		{ "P1", "SP20260900000001", "TALENT", INT64_MAX / 2 + 1, "1", "甲", "105338000012" },
		{ "P2", "SP20260900000002", "TALENT", INT64_MAX / 2 + 1, "2", "乙", "105338000012" },
	};
	struct bankfile_month m = month_of(p, 2);
	struct sp_error err = { 0 };
	size_t count = 99;
	int64_t total = -5;

	(void)state;
	assert_int_equal(bankfile_totals(&m, NULL, &count, &total, &err), -1);
	assert_int_equal(err.code, SP_EXIT_INTERNAL);
	assert_int_equal(count, 99);
	assert_int_equal(total, -5);
	sp_error_clear(&err);
	m = month_of(three, 3);
	assert_int_equal(bankfile_totals(&m, "TALENT", &count, &total, &err), 0);
	assert_int_equal(count, 2);
	assert_int_equal(total, 420001);
	assert_int_equal(bankfile_totals(&m, NULL, &count, &total, &err), 0);
	assert_int_equal(count, 3);
	assert_int_equal(total, 1654568);
}

/* ---- cn-batch ------------------------------------------------------------------------------- */

static const char three_utf8[] =
	"H,SKILLPAY-2026-09,33001234567890000001,3,16545.68,20261005\n"
	"D,1,6217349181068282104,周德兴,4200.00,103338500028,SP20260900000001," MEMO "\n"
	"D,2,33010000006580009011,武义金帆电器有限公司,12345.67,105338000012,SP20260900000002," MEMO "\n"
	"D,3,6217836709301312715,李俊杰,0.01,102338500016,SP20260900000003," MEMO "\n"
	"T,3,16545.68\n";

/* GBK bytes back to UTF-8 with iconv; the caller frees. */
static char *gbk_to_utf8(const struct bankfile_buffer *b)
{
	iconv_t cd = iconv_open("UTF-8", "GBK");
	size_t in_left = b->len, out_left = b->len * 2 + 1;
	char *out = calloc(1, out_left + 1), *in = b->data, *o = out;

	assert_true(cd != (iconv_t)-1);
	assert_true(iconv(cd, &in, &in_left, &o, &out_left) != (size_t)-1);
	assert_int_equal(in_left, 0);
	iconv_close(cd);
	return out;
}

static void test_cn_batch_gbk_round_trip(void **state)
{
	struct bankfile_month m = month_of(three, 3);
	struct bankfile_cn_options o = cn_options(CONFIG_ENCODING_GBK, ',', CONFIG_SUMMARY_BOTH);
	struct bankfile_buffer b = { 0 };
	struct sp_error err = { 0 };
	char *utf8;

	(void)state;
	assert_int_equal(bankfile_cn_batch(&m, &payer, &o, &b, &err), 0);
	/* GBK: two bytes per Chinese character, so 周德兴 is 6 bytes, not UTF-8's 9. */
	assert_non_null(memmem(b.data, b.len, "\xd6\xdc\xb5\xc2\xd0\xcb", 6));
	assert_null(memmem(b.data, b.len, "周德兴", strlen("周德兴")));
	utf8 = gbk_to_utf8(&b);
	assert_string_equal(utf8, three_utf8);
	free(utf8);
	bankfile_buffer_release(&b);
}

static void test_cn_batch_utf8_and_summary(void **state)
{
	struct bankfile_month m = month_of(three, 3);
	struct bankfile_cn_options o = cn_options(CONFIG_ENCODING_UTF8, ',', CONFIG_SUMMARY_BOTH);
	struct bankfile_buffer b = { 0 };
	struct sp_error err = { 0 };
	const char *details = strchr(three_utf8, '\n') + 1;

	(void)state;
	assert_int_equal(bankfile_cn_batch(&m, &payer, &o, &b, &err), 0);
	assert_string_equal(b.data, three_utf8);
	bankfile_buffer_release(&b);

	o.summary = CONFIG_SUMMARY_FIRST;   /* H only */
	assert_int_equal(bankfile_cn_batch(&m, &payer, &o, &b, &err), 0);
	assert_int_equal(b.len, (size_t)(strstr(three_utf8, "T,") - three_utf8));
	assert_memory_equal(b.data, three_utf8, b.len);
	bankfile_buffer_release(&b);

	o.summary = CONFIG_SUMMARY_LAST;    /* T only */
	assert_int_equal(bankfile_cn_batch(&m, &payer, &o, &b, &err), 0);
	assert_string_equal(b.data, details);
	bankfile_buffer_release(&b);
}

static void test_cn_batch_other_delimiters(void **state)
{
	struct bankfile_month m = month_of(three, 1);
	struct bankfile_cn_options o = cn_options(CONFIG_ENCODING_UTF8, '|', CONFIG_SUMMARY_BOTH);
	struct bankfile_buffer b = { 0 };
	struct sp_error err = { 0 };

	(void)state;
	assert_int_equal(bankfile_cn_batch(&m, &payer, &o, &b, &err), 0);
	assert_string_equal(b.data,
			    "H|SKILLPAY-2026-09|33001234567890000001|1|4200.00|20261005\n"
			    "D|1|6217349181068282104|周德兴|4200.00|103338500028|SP20260900000001|" MEMO "\n"
			    "T|1|4200.00\n");
	bankfile_buffer_release(&b);
	o.delimiter = '\t';
	assert_int_equal(bankfile_cn_batch(&m, &payer, &o, &b, &err), 0);
	assert_string_equal(b.data,
			    "H\tSKILLPAY-2026-09\t33001234567890000001\t1\t4200.00\t20261005\n"
			    "D\t1\t6217349181068282104\t周德兴\t4200.00\t103338500028\tSP20260900000001\t" MEMO "\n"
			    "T\t1\t4200.00\n");
	bankfile_buffer_release(&b);
}

static void assert_cn_refused(struct bankfile_month *m, const struct bankfile_cn_options *o, int code,
			      const char *needle)
{
	struct bankfile_buffer b = { 0 };
	struct sp_error err = { 0 };

	assert_int_equal(bankfile_cn_batch(m, &payer, o, &b, &err), -1);
	assert_int_equal(err.code, code);
	if (!strstr(err.message, needle))
		fail_msg("message '%s' does not hold '%s'", err.message, needle);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void test_cn_batch_delimiter_refused(void **state)
{
	struct bankfile_payment p[] = {
		three[0],
		{ "330723198505050798", "SP20260900000002", "TALENT", 100, "6217693602492365292", "蓝建华,张三", "105338000012" },
	};
	struct bankfile_month m = month_of(p, 2);
	struct bankfile_cn_options o = cn_options(CONFIG_ENCODING_GBK, ',', CONFIG_SUMMARY_BOTH);

	(void)state;
	assert_cn_refused(&m, &o, SP_EXIT_INPUT, "payee '330723198505050798'");
	assert_cn_refused(&m, &o, SP_EXIT_INPUT, "account_name '蓝建华,张三' holds the delimiter");
	o.encoding = CONFIG_ENCODING_UTF8;
	assert_cn_refused(&m, &o, SP_EXIT_INPUT, "holds the delimiter");
	/* With another delimiter the comma is an ordinary character. */
	o.delimiter = ';';
	{
		struct bankfile_buffer b = { 0 };
		struct sp_error err = { 0 };

		assert_int_equal(bankfile_cn_batch(&m, &payer, &o, &b, &err), 0);
		assert_non_null(strstr(b.data, ";蓝建华,张三;1.00;"));
		bankfile_buffer_release(&b);
	}
	p[1].account_name = "蓝建华";
	p[1].account_no = "6217;693602492365292";
	assert_cn_refused(&m, &o, SP_EXIT_INPUT, "account_no '6217;693602492365292'");
}

/* A GBK trail byte can be 0x7C, the '|' of a '|'-delimited file: 墊 is 89 7C in GBK. Such a
 * name is refused in GBK (a byte-wise parser would split it) and accepted in UTF-8. */
static void test_cn_batch_gbk_trail_byte(void **state)
{
	struct bankfile_payment p[] = {
		{ "P7", "SP20260900000007", "TALENT", 100, "6217", "王墊", "105338000012" },
	};
	struct bankfile_month m = month_of(p, 1);
	struct bankfile_cn_options o = cn_options(CONFIG_ENCODING_GBK, '|', CONFIG_SUMMARY_BOTH);
	struct bankfile_buffer b = { 0 };
	struct sp_error err = { 0 };

	(void)state;
	assert_cn_refused(&m, &o, SP_EXIT_INPUT, "payee 'P7'");
	o.delimiter = ',';
	assert_int_equal(bankfile_cn_batch(&m, &payer, &o, &b, &err), 0);
	assert_non_null(memmem(b.data, b.len, ",\xcd\xf5\x89\x7c,", 6));
	bankfile_buffer_release(&b);
	o.delimiter = '|';
	o.encoding = CONFIG_ENCODING_UTF8;
	assert_int_equal(bankfile_cn_batch(&m, &payer, &o, &b, &err), 0);
	assert_non_null(strstr(b.data, "|王墊|"));
	bankfile_buffer_release(&b);
}

static void test_cn_batch_gbk_unencodable(void **state)
{
	struct bankfile_payment p[] = {
		three[0],
		{ "330723199008083542", "SP20260900000015", "TALENT", 1120000, "6217754624944979683", "吉𠮷", "402338500019" },
	};
	struct bankfile_month m = month_of(p, 2);
	struct bankfile_cn_options o = cn_options(CONFIG_ENCODING_GBK, ',', CONFIG_SUMMARY_BOTH);
	struct bankfile_buffer b = { 0 };
	struct sp_error err = { 0 };

	(void)state;
	assert_cn_refused(&m, &o, SP_EXIT_INPUT, "payee '330723199008083542' (吉𠮷): account_name '吉𠮷' cannot be written in GBK");
	o.encoding = CONFIG_ENCODING_UTF8;
	assert_int_equal(bankfile_cn_batch(&m, &payer, &o, &b, &err), 0);
	assert_non_null(strstr(b.data, "D,2,6217754624944979683,吉𠮷,11200.00,402338500019,SP20260900000015,"));
	assert_non_null(strstr(b.data, "T,2,15400.00\n"));
	bankfile_buffer_release(&b);
}

static void test_cn_batch_payer_account_delimiter(void **state)
{
	struct bankfile_month m = month_of(three, 1);
	struct bankfile_cn_options o = cn_options(CONFIG_ENCODING_GBK, ',', CONFIG_SUMMARY_BOTH);
	struct config_payer bad = payer;
	struct bankfile_buffer b = { 0 };
	struct sp_error err = { 0 };

	(void)state;
	snprintf(bad.account, sizeof(bad.account), "3300,1234");
	assert_int_equal(bankfile_cn_batch(&m, &bad, &o, &b, &err), -1);
	assert_int_equal(err.code, SP_EXIT_USAGE);
	assert_non_null(strstr(err.message, "[payer] account '3300,1234'"));
	assert_null(b.data);
	/* summary = last writes no H line, so the payer account is not in the file at all. */
	o.summary = CONFIG_SUMMARY_LAST;
	sp_error_clear(&err);
	assert_int_equal(bankfile_cn_batch(&m, &bad, &o, &b, &err), 0);
	bankfile_buffer_release(&b);
}

/* ---- writing -------------------------------------------------------------------------------- */

static char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *data = calloc(1, 1 << 16);
	size_t n;

	assert_non_null(f);
	n = fread(data, 1, (1 << 16) - 1, f);
	fclose(f);
	if (ret_len)
		*ret_len = n;
	return data;
}

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_write(void **state)
{
	char dir[] = "/tmp/test_bankfile.XXXXXX", path[256], hex[65];
	struct bankfile_buffer b = { 0 };
	struct sp_error err = { 0 };
	struct stat st;
	char *got;
	size_t len;

	(void)state;
	assert_non_null(mkdtemp(dir));
	b.data = strdup("hello\n");
	b.len = 6;
	assert_int_equal(bankfile_write(dir, "skillpay-2026-09.cn-batch.txt", &b, hex, &err), 0);
	/* sha256sum of "hello\n", from coreutils. */
	assert_string_equal(hex, "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
	snprintf(path, sizeof(path), "%s/skillpay-2026-09.cn-batch.txt", dir);
	got = slurp(path, &len);
	assert_int_equal(len, 6);
	assert_string_equal(got, "hello\n");
	free(got);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(path, sizeof(path), "%s/skillpay-2026-09.cn-batch.txt.sha256", dir);
	got = slurp(path, NULL);
	assert_string_equal(got, "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
				 "  skillpay-2026-09.cn-batch.txt\n");
	free(got);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(entries(dir), 2);   /* no temporary file left */

	/* Writing again replaces both files; still two entries. */
	assert_int_equal(bankfile_write(dir, "skillpay-2026-09.cn-batch.txt", &b, hex, &err), 0);
	assert_int_equal(entries(dir), 2);
	unlink(path);
	snprintf(path, sizeof(path), "%s/skillpay-2026-09.cn-batch.txt", dir);
	unlink(path);
	rmdir(dir);

	/* A missing directory: SP_EXIT_USAGE and nothing written. */
	assert_int_equal(bankfile_write(dir, "x.txt", &b, hex, &err), -1);
	assert_int_equal(err.code, SP_EXIT_USAGE);
	assert_non_null(strstr(err.message, dir));
	bankfile_buffer_release(&b);
}

static void test_name(void **state)
{
	char name[BANKFILE_NAME_MAX];

	(void)state;
	bankfile_name(202609, BANKFILE_PAIN001, name);
	assert_string_equal(name, "skillpay-2026-09.pain001.xml");
	bankfile_name(202612, BANKFILE_CN_BATCH, name);
	assert_string_equal(name, "skillpay-2026-12.cn-batch.txt");
}

/* ---- loading from a database ------------------------------------------------------------------ */

static void test_load(void **state)
{
	char dir[] = "/tmp/test_bankfile_db.XXXXXX", path[256];
	struct bankfile_month *m = NULL;
	struct sp_error err = { 0 };
	struct store *s = NULL;
	int applied = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.db", dir);
	assert_int_equal(store_open(path, true, &s, &err), 0);
	assert_int_equal(store_migrate(s, &applied, &err), 0);
	assert_int_equal(store_exec(s,
		"INSERT INTO closes(run_month, as_of_batch, closed_at, closed_by) VALUES (202609, 1, '2026-10-05T08:30:00Z', 't');"
		"INSERT INTO closes(run_month, as_of_batch, closed_at, closed_by) VALUES (202610, 1, '2026-11-05T08:30:00Z', 't');"
		"INSERT INTO payments VALUES (2, 202609, 'B', 500, 'TALENT', 'SP20260900000002', '62', '乙', '105338000012');"
		"INSERT INTO payments VALUES (1, 202609, 'A', 250, 'TALENT', 'SP20260900000001', '61', '甲', '105338000012');"
		"INSERT INTO payments VALUES (3, 202610, 'A', 999, 'TALENT', 'SP20261000000003', '61', '甲', '105338000012');",
		&err), 0);

	assert_int_equal(bankfile_load(s, 202609, &m, &err), 0);
	assert_int_equal(m->count, 2);
	assert_string_equal(m->closed_at, "2026-10-05T08:30:00Z");
	assert_string_equal(m->payments[0].end_to_end_id, "SP20260900000001");
	assert_string_equal(m->payments[0].account_name, "甲");
	assert_int_equal(m->payments[0].amount_fen, 250);
	assert_string_equal(m->payments[1].payee_id, "B");
	bankfile_month_free(m);
	m = NULL;

	assert_int_equal(bankfile_load(s, 202611, &m, &err), -1);
	assert_int_equal(err.code, SP_EXIT_STATE);
	assert_non_null(strstr(err.message, "'2026-11' is not closed"));
	assert_null(m);
	store_close(s);
	unlink(path);
	rmdir(dir);
}

/* ---- configuration ---------------------------------------------------------------------------- */

static void test_config_demo_file(void **state)
{
	struct config c;
	struct sp_error err = { 0 };

	(void)state;
	assert_int_equal(config_load("fixtures/demo/skillpay.ini", &c, &err), 0);
	assert_true(c.has_payer);
	assert_string_equal(c.payer.name, "武义县财政局");
	assert_string_equal(c.payer.account, "33001234567890000001");
	assert_string_equal(c.payer.bank_code, "105338000012");
	assert_string_equal(c.payer.initiating_party, "");
	assert_int_equal(c.cn_encoding, CONFIG_ENCODING_GBK);
	assert_int_equal(c.cn_delimiter, ',');
	assert_int_equal(c.cn_summary, CONFIG_SUMMARY_BOTH);
	assert_int_equal(config_require_payer(&c, "fixtures/demo/skillpay.ini", &err), 0);
}

static void test_config_values(void **state)
{
	struct config c;
	struct sp_error err = { 0 };

	(void)state;
	assert_int_equal(config_load_string("[other]\nx = 1\n[cn-batch]\nencoding = UTF-8\ndelimiter = \";\"\n"
					    "summary = first\n", "t.ini", &c, &err), 0);
	assert_false(c.has_payer);
	assert_int_equal(c.cn_encoding, CONFIG_ENCODING_UTF8);
	assert_int_equal(c.cn_delimiter, ';');
	assert_int_equal(c.cn_summary, CONFIG_SUMMARY_FIRST);
	assert_int_equal(config_load_string("[cn-batch]\ndelimiter = tab\nsummary = last\n", "t.ini", &c, &err), 0);
	assert_int_equal(c.cn_delimiter, '\t');
	assert_int_equal(c.cn_summary, CONFIG_SUMMARY_LAST);
	assert_int_equal(config_load_string("[cn-batch]\ndelimiter = |\n", "t.ini", &c, &err), 0);
	assert_int_equal(c.cn_delimiter, '|');
}

static void assert_config_refused(const char *text, int code, const char *needle)
{
	struct config c;
	struct sp_error err = { 0 };

	c.cn_delimiter = 'Z';   /* unchanged on failure */
	if (config_load_string(text, "t.ini", &c, &err) == 0)
		assert_int_equal(config_require_payer(&c, "t.ini", &err), -1);
	else
		assert_int_equal(c.cn_delimiter, 'Z');
	assert_int_equal(err.code, code);
	if (!strstr(err.message, needle))
		fail_msg("message '%s' does not hold '%s'", err.message, needle);
}

static void test_config_refusals(void **state)
{
	(void)state;
	assert_config_refused("", SP_EXIT_USAGE, "t.ini' has no [payer] section");
	assert_config_refused("[payer]\naccount = 1\nbank_code = 2\n", SP_EXIT_USAGE, "[payer] has no 'name'");
	assert_config_refused("[payer]\nname = x\nbank_code = 2\n", SP_EXIT_USAGE, "[payer] has no 'account'");
	assert_config_refused("[payer]\nname = x\naccount = 1\n", SP_EXIT_USAGE, "[payer] has no 'bank_code'");
	assert_config_refused("[payer]\nname = x\naccount = 1\nbank_code =\n", SP_EXIT_USAGE, "[payer] has no 'bank_code'");
	assert_config_refused("[payer]\nname = x\nacount = 1\n", SP_EXIT_USAGE, "t.ini:3: [payer]: unknown key 'acount'");
	assert_config_refused("[cn-batch]\nencoding = big5\n", SP_EXIT_USAGE, "t.ini:2: [cn-batch] encoding: 'big5'");
	assert_config_refused("[cn-batch]\nsummary = none\n", SP_EXIT_USAGE, "t.ini:2: [cn-batch] summary: 'none'");
	assert_config_refused("[cn-batch]\ndelimiter = ,,\n", SP_EXIT_USAGE, "t.ini:2: [cn-batch] delimiter");
	assert_config_refused("[cn-batch]\ndelimiter = .\n", SP_EXIT_USAGE, "[cn-batch] delimiter: '.'");
	assert_config_refused("[cn-batch]\ndelimiter = 5\n", SP_EXIT_USAGE, "[cn-batch] delimiter: '5'");
	assert_config_refused("[cn-batch]\ndelimiter = ;\n", SP_EXIT_USAGE, "[cn-batch] delimiter: ''");
	assert_config_refused("[payer]\nname x\n", SP_EXIT_USAGE, "t.ini:2: not a key = value line");
}

static void test_config_missing_file(void **state)
{
	struct config c;
	struct sp_error err = { 0 };

	(void)state;
	assert_int_equal(config_load("/nonexistent/skillpay.ini", &c, &err), -1);
	assert_int_equal(err.code, SP_EXIT_USAGE);
	assert_non_null(strstr(err.message, "cannot read configuration '/nonexistent/skillpay.ini'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pain001_totals_and_schema),
		cmocka_unit_test(test_pain001_deterministic),
		cmocka_unit_test(test_pain001_limits),
		cmocka_unit_test(test_pain001_refusals),
		cmocka_unit_test(test_initiating_party),
		cmocka_unit_test(test_totals_overflow),
		cmocka_unit_test(test_cn_batch_gbk_round_trip),
		cmocka_unit_test(test_cn_batch_utf8_and_summary),
		cmocka_unit_test(test_cn_batch_other_delimiters),
		cmocka_unit_test(test_cn_batch_delimiter_refused),
		cmocka_unit_test(test_cn_batch_gbk_trail_byte),
		cmocka_unit_test(test_cn_batch_gbk_unencodable),
		cmocka_unit_test(test_cn_batch_payer_account_delimiter),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_config_demo_file),
		cmocka_unit_test(test_config_values),
		cmocka_unit_test(test_config_refusals),
		cmocka_unit_test(test_config_missing_file),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	xmlCleanupParser();
	return rc;
}
