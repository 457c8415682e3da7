/* bankreturn.c - bank returns: a pain.002.001.10 status report or the CSV
 * `end_to_end_id,status,reason_code` read into statuses, then applied to the payments as
 * payment_status rows in one transaction (CLI.md "Bank returns", RULES.md R10, R11). */
#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include "skillpay/bankreturn.h"
#include "skillpay/calendar.h"
#include "skillpay/csvread.h"
#include "skillpay/fault.h"
#include "skillpay/feeds.h"
#include "skillpay/money.h"

#define PAIN002_XSD "pain.002.001.10.xsd"
#define PATH_BYTES 4096

#if LIBXML_VERSION >= 21200
typedef const xmlError *xml_error_ptr;
#else
typedef xmlErrorPtr xml_error_ptr;
#endif

/* What reading one file carries: where problems go and how many there were. */
struct reader {
	const char *path;
	bankreturn_problem_fn problem_fn;
	void *ctx;
	long problems;
	bool header_seen, header_bad;
	struct bankreturn *out;
};

static void problem(struct reader *rd, long line, const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void problem(struct reader *rd, long line, const char *subject, const char *fmt, ...)
{
	char reason[SP_MESSAGE_MAX];
	va_list ap;

	rd->problems++;
	if (!rd->problem_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	rd->problem_fn(rd->ctx, rd->path, line, subject, reason);
}

static int entry_add(struct reader *rd, const struct bankreturn_entry *e, struct sp_error *err)
{
	struct bankreturn *r = rd->out;

	if (r->n == r->cap) {
		long cap = r->cap ? r->cap * 2 : 64;
		struct bankreturn_entry *grown;

		if (r->n >= BANKRETURN_ENTRIES_MAX)
			return sp_error_set(err, SP_EXIT_INPUT, "'%s': more than %d statuses in one file", rd->path,
					    BANKRETURN_ENTRIES_MAX);
		if (cap > BANKRETURN_ENTRIES_MAX)
			cap = BANKRETURN_ENTRIES_MAX;
		grown = realloc(r->entries, (size_t)cap * sizeof(*grown));
		if (!grown)
			return sp_error_set(err, SP_EXIT_INTERNAL, "out of memory reading '%s'", rd->path);
		r->entries = grown;
		r->cap = cap;
	}
	r->entries[r->n++] = *e;
	return 0;
}

void bankreturn_release(struct bankreturn *r)
{
	if (!r)
		return;
	free(r->entries);
	r->entries = NULL;
	r->n = r->cap = 0;
}

/* ExternalStatusReason1Code is 1 to 4 characters; the published codes are letters and digits. */
static bool reason_valid(const char *s, size_t n)
{
	if (n < 1 || n > BANKRETURN_REASON_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static bool id_valid(const char *s, size_t n)
{
	if (n < 1 || n > SP_END_TO_END_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* ---- CSV: end_to_end_id,status,reason_code ---- */

static const char *const csv_header[3] = { "end_to_end_id", "status", "reason_code" };

static void csv_header_check(struct reader *rd, const struct csv_record *rec)
{
	rd->header_seen = true;
	for (int i = 0; i < 3; i++) {
		if (i < rec->n && strcmp(rec->field[i], csv_header[i]) == 0)
			continue;
		rd->header_bad = true;
		problem(rd, rec->line, csv_header[i], "header column %d is '%.40s', expected '%s'", i + 1,
			i < rec->n ? rec->field[i] : "", csv_header[i]);
	}
	if (rec->n > 3 || rec->overflow) {
		rd->header_bad = true;
		problem(rd, rec->line, "-", "the header has %d columns, expected end_to_end_id,status,reason_code",
			rec->n);
	}
}

static int csv_entry(struct reader *rd, const struct csv_record *rec, struct sp_error *err)
{
	struct bankreturn_entry e = { .scope = BANKRETURN_ONE, .line = rec->line };
	long before = rd->problems;

	if (rec->n != 3 || rec->overflow) {
		problem(rd, rec->line, "-", "%d fields, expected 3 (end_to_end_id,status,reason_code)", rec->n);
		return 0;
	}
	if (!id_valid(rec->field[0], rec->len[0]))
		problem(rd, rec->line, "end_to_end_id", "'%.40s' is not an EndToEndId (1 to %d characters)",
			rec->field[0], SP_END_TO_END_MAX);
	else
		memcpy(e.ref, rec->field[0], rec->len[0] + 1);
	if (rec->len[1] == strlen("settled") && strcmp(rec->field[1], "settled") == 0)
		e.status = BANKRETURN_SETTLED;
	else if (rec->len[1] == strlen("rejected") && strcmp(rec->field[1], "rejected") == 0)
		e.status = BANKRETURN_REJECTED;
	else
		problem(rd, rec->line, "status", "'%.40s' is not settled or rejected", rec->field[1]);
	if (rec->len[2] == 0) {
		if (e.status == BANKRETURN_REJECTED)
			problem(rd, rec->line, "reason_code", "a rejected payment needs a reason code (e.g. AC04)");
	} else if (!reason_valid(rec->field[2], rec->len[2])) {
		problem(rd, rec->line, "reason_code", "'%.40s' is not an ISO 20022 status reason code", rec->field[2]);
	} else {
		memcpy(e.reason_code, rec->field[2], rec->len[2] + 1);
	}
	return rd->problems == before ? entry_add(rd, &e, err) : 0;
}

static int csv_row(void *ctx, const struct csv_record *rec, struct sp_error *err)
{
	struct reader *rd = ctx;

	if (!rd->header_seen) {
		csv_header_check(rd, rec);
		return 0;
	}
	/* A wrong header makes every row's meaning unknown: the header problem is the one to fix. */
	return rd->header_bad ? 0 : csv_entry(rd, rec, err);
}

static int csv_read(struct reader *rd, struct sp_error *err)
{
	FILE *f = fopen(rd->path, "rb");
	int rc;

	if (!f)
		return sp_error_set(err, SP_EXIT_INPUT, "cannot open '%s'", rd->path);
	rc = csvread_stream(f, rd->path, "utf-8", csv_row, rd, err);
	fclose(f);
	if (rc == 0 && !rd->header_seen)
		problem(rd, 1, "-", "the file is empty (no header end_to_end_id,status,reason_code)");
	return rc;
}

/* ---- pain.002.001.10 ---- */

/* libxml2 names elements {namespace}Name; the namespace is always pain.002's: drop it. */
static void strip_namespaces(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	for (; *s && n + 1 < size; s++) {
		const char *close = *s == '{' && strncmp(s + 1, "urn:", 4) == 0 ? strchr(s, '}') : NULL;

		if (close)
			s = close;
		else
			buf[n++] = *s;
	}
	buf[n] = '\0';
}

static void xml_error(void *ctx, xml_error_ptr e)
{
	struct reader *rd = ctx;
	char msg[SP_MESSAGE_MAX];
	size_t n;

	if (!e || e->level == XML_ERR_WARNING)
		return;
	strip_namespaces(e->message ? e->message : "malformed XML", msg, sizeof(msg));
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	problem(rd, e->line > 0 ? e->line : 1, "-", "%s", n ? msg : "malformed XML");
}

static void xml_ignore(void *ctx, xml_error_ptr e)
{
	(void)ctx;
	(void)e;
}

static bool is_element(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST name) == 0;
}

/* The first child element of that name, or NULL (n may be NULL). */
static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (is_element(c, name))
			return c;
	return NULL;
}

/* The element's text without surrounding white space, cut to size ("" for NULL). Returns the
 * length it has uncut, so that a caller can tell a text that did not fit. */
static size_t text_of(xmlNodePtr n, char *buf, size_t size)
{
	xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
	const char *s = t ? (const char *)t : "";
	size_t len;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	snprintf(buf, size, "%.*s", (int)len, s);
	xmlFree(t);
	return len;
}

/* A status at one level (TxSts, PmtInfSts or GrpSts) with the reason beside it. */
struct level {
	bool present;
	char code[8];
	char reason[BANKRETURN_REASON_MAX + 1];
};

static void level_read(xmlNodePtr n, const char *status_name, struct level *ret)
{
	xmlNodePtr st = child(n, status_name);

	memset(ret, 0, sizeof(*ret));
	ret->present = st != NULL;
	text_of(st, ret->code, sizeof(ret->code));
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next) {
		xmlNodePtr cd = is_element(c, "StsRsnInf") ? child(child(c, "Rsn"), "Cd") : NULL;

		if (cd) {
			text_of(cd, ret->reason, sizeof(ret->reason));
			break;
		}
	}
}

/* CLI.md: ACSC, ACCP settled; RJCT rejected; ACSP, ACTC, PDNG pending. */
static int status_from_code(const char *code, enum bankreturn_status *ret)
{
	static const struct { const char *code; enum bankreturn_status status; } map[] = {
		{ "ACSC", BANKRETURN_SETTLED }, { "ACCP", BANKRETURN_SETTLED }, { "RJCT", BANKRETURN_REJECTED },
		{ "ACSP", BANKRETURN_PENDING }, { "ACTC", BANKRETURN_PENDING }, { "PDNG", BANKRETURN_PENDING },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(code, map[i].code) == 0) {
			*ret = map[i].status;
			return 0;
		}
	}
	return -1;
}

/* Fills e's status from the level that applies; 0, or -1 after a problem. */
static int entry_status(struct reader *rd, const char *subject, const struct level *lv,
			struct bankreturn_entry *e)
{
	if (!lv->present) {
		problem(rd, 0, subject, "no TxSts, and no PmtInfSts or GrpSts to apply");
		return -1;
	}
	if (status_from_code(lv->code, &e->status) < 0) {
		problem(rd, 0, subject, "status '%s' is not ACSC, ACCP, RJCT, ACSP, ACTC or PDNG", lv->code);
		return -1;
	}
	if (lv->reason[0] && !reason_valid(lv->reason, strlen(lv->reason))) {
		problem(rd, 0, subject, "'%s' is not an ISO 20022 status reason code", lv->reason);
		return -1;
	}
	if (e->status == BANKRETURN_REJECTED && !lv->reason[0]) {
		problem(rd, 0, subject, "rejected (RJCT) without a reason code (StsRsnInf/Rsn/Cd)");
		return -1;
	}
	snprintf(e->reason_code, sizeof(e->reason_code), "%s", lv->reason);
	return 0;
}

/* An xs:decimal of yuan as fen; digits after the second decimal must be zeros (no rounding). */
static int decimal_fen(const char *s, int64_t *ret_fen)
{
	int64_t whole = 0, cents = 0;
	int decimals = 0;
	bool digits = false;

	if (*s == '+')
		s++;
	for (; isdigit((unsigned char)*s); s++, digits = true) {
		if (whole > SP_MONEY_MAX_FEN / 1000)
			return -1;
		whole = whole * 10 + (*s - '0');
	}
	if (*s == '.')
		for (s++; isdigit((unsigned char)*s); s++, digits = true, decimals++) {
			if (decimals < 2)
				cents = cents * 10 + (*s - '0');
			else if (*s != '0')
				return -1;
		}
	if (*s || !digits)
		return -1;
	for (int i = decimals; i < 2; i++)
		cents *= 10;
	*ret_fen = whole * 100 + cents;
	return 0;
}

/* OrgnlTxRef/Amt/InstdAmt when the file carries it: CNY, whole fen. 0, or -1 after a problem. */
static int xml_amount(struct reader *rd, const char *subject, xmlNodePtr tx, struct bankreturn_entry *e)
{
	xmlNodePtr amt = child(child(child(tx, "OrgnlTxRef"), "Amt"), "InstdAmt");
	xmlChar *ccy;
	char text[64];
	bool cny;

	if (!amt)
		return 0;
	ccy = xmlGetProp(amt, BAD_CAST "Ccy");
	cny = ccy && xmlStrcmp(ccy, BAD_CAST "CNY") == 0;
	if (!cny)
		problem(rd, 0, subject, "amount currency '%s' is not CNY", ccy ? (const char *)ccy : "");
	xmlFree(ccy);
	text_of(amt, text, sizeof(text));
	if (decimal_fen(text, &e->amount_fen) < 0) {
		problem(rd, 0, subject, "amount '%s' is not a yuan amount with at most two decimals", text);
		return -1;
	}
	e->has_amount = true;
	return cny ? 0 : -1;
}

/* An id as skillpay wrote it (1 to 35 bytes, no control character): a longer or odd one is a
 * problem rather than cut to fit, which could make it name another payment. */
static int xml_ref(struct reader *rd, xmlNodePtr n, const char *what, char ret[static SP_END_TO_END_MAX + 1])
{
	char text[4 * SP_END_TO_END_MAX + 1];
	size_t len = text_of(n, text, sizeof(text));

	if (len >= sizeof(text) || !id_valid(text, len)) {
		problem(rd, n ? xmlGetLineNo(n) : 1, what, "'%.40s' is not an id skillpay wrote (1 to %d characters)",
			text, SP_END_TO_END_MAX);
		return -1;
	}
	memcpy(ret, text, len + 1);
	return 0;
}

static int xml_tx(struct reader *rd, xmlNodePtr tx, const struct level *outer, struct sp_error *err)
{
	struct bankreturn_entry e = { .scope = BANKRETURN_ONE, .line = xmlGetLineNo(tx) };
	xmlNodePtr id = child(tx, "OrgnlEndToEndId");
	char subject[64];
	struct level own;

	if (!id) {
		problem(rd, e.line, "TxInfAndSts", "no OrgnlEndToEndId: the payment cannot be told");
		return 0;
	}
	if (xml_ref(rd, id, "OrgnlEndToEndId", e.ref) < 0)
		return 0;
	snprintf(subject, sizeof(subject), "EndToEndId '%s'", e.ref);
	level_read(tx, "TxSts", &own);
	/* CLI.md: a group status applies to every payment without its own. */
	if (entry_status(rd, subject, own.present ? &own : outer, &e) < 0 || xml_amount(rd, subject, tx, &e) < 0)
		return 0;
	return entry_add(rd, &e, err);
}

/* A status for a whole message or payment information that lists no transaction. */
static int xml_scope(struct reader *rd, enum bankreturn_scope scope, xmlNodePtr id_node, const char *what,
		     const struct level *lv, struct sp_error *err)
{
	struct bankreturn_entry e = { .scope = scope, .line = id_node ? xmlGetLineNo(id_node) : 0 };
	char subject[64];

	if (xml_ref(rd, id_node, what, e.ref) < 0)
		return 0;
	snprintf(subject, sizeof(subject), "%s '%s'", what, e.ref);
	if (entry_status(rd, subject, lv, &e) < 0)
		return 0;
	return entry_add(rd, &e, err);
}

static int xml_pmtinf(struct reader *rd, xmlNodePtr pi, const struct level *grp, struct sp_error *err)
{
	struct level pmt;
	bool any_tx = false;

	level_read(pi, "PmtInfSts", &pmt);
	for (xmlNodePtr c = pi->children; c; c = c->next) {
		if (!is_element(c, "TxInfAndSts"))
			continue;
		any_tx = true;
		if (xml_tx(rd, c, pmt.present ? &pmt : grp, err) < 0)
			return -1;
	}
	if (any_tx)
		return 0;
	return xml_scope(rd, BANKRETURN_PMTINF, child(pi, "OrgnlPmtInfId"), "OrgnlPmtInfId",
			 pmt.present ? &pmt : grp, err);
}

static int xml_entries(struct reader *rd, xmlDocPtr doc, struct sp_error *err)
{
	xmlNodePtr report = child(xmlDocGetRootElement(doc), "CstmrPmtStsRpt");
	xmlNodePtr group = child(report, "OrgnlGrpInfAndSts");
	struct level grp;
	bool any_pmtinf = false;

	assert(report && group);  /* the schema requires both */
	level_read(group, "GrpSts", &grp);
	for (xmlNodePtr c = report->children; c; c = c->next) {
		if (!is_element(c, "OrgnlPmtInfAndSts"))
			continue;
		any_pmtinf = true;
		if (xml_pmtinf(rd, c, &grp, err) < 0)
			return -1;
	}
	if (any_pmtinf)
		return 0;
	return xml_scope(rd, BANKRETURN_MESSAGE, child(group, "OrgnlMsgId"), "OrgnlMsgId", &grp, err);
}

static int xml_validate(struct reader *rd, xmlDocPtr doc, const char *xsd_dir, struct sp_error *err)
{
	char xsd[PATH_BYTES + 32];
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaValidCtxtPtr vc;
	xmlSchemaPtr schema;
	int rc;

	snprintf(xsd, sizeof(xsd), "%s/%s", xsd_dir, PAIN002_XSD);
	pc = xmlSchemaNewParserCtxt(xsd);
	if (!pc)
		return sp_error_set(err, SP_EXIT_INTERNAL, "cannot read the schema '%s'", xsd);
	xmlSchemaSetParserStructuredErrors(pc, xml_ignore, NULL);
	schema = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	if (!schema)
		return sp_error_set(err, SP_EXIT_INTERNAL, "cannot read the schema '%s'", xsd);
	vc = xmlSchemaNewValidCtxt(schema);
	if (!vc) {
		xmlSchemaFree(schema);
		return sp_error_set(err, SP_EXIT_INTERNAL, "out of memory validating '%s'", rd->path);
	}
	xmlSchemaSetValidStructuredErrors(vc, xml_error, rd);
	rc = xmlSchemaValidateDoc(vc, doc);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	if (rc < 0)
		return sp_error_set(err, SP_EXIT_INTERNAL, "cannot validate '%s' against '%s'", rd->path, xsd);
	if (rc > 0 && rd->problems == 0)
		problem(rd, 1, "-", "not valid against %s", PAIN002_XSD);
	return 0;
}

static int xml_read(struct reader *rd, const char *xsd_dir, struct sp_error *err)
{
	char found[PATH_BYTES];
	xmlDocPtr doc;
	int rc = 0;

	if (!xsd_dir) {
		if (bankreturn_xsd_dir(found, err) < 0)
			return -1;
		xsd_dir = found;
	}
	/* No network, no entity expansion: a bank file cannot make us fetch or expand anything. */
	xmlSetStructuredErrorFunc(rd, xml_error);
	doc = xmlReadFile(rd->path, NULL, XML_PARSE_NONET);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (!doc) {
		if (rd->problems == 0)
			problem(rd, 1, "-", "not well-formed XML");
		return 0;
	}
	/* A pain.002 needs no DTD; one that brings entities cannot be validated by libxml2's
	 * schema processor either. Refuse it as input, not as our failure. */
	if (doc->intSubset || doc->extSubset) {
		problem(rd, 1, "-", "a DOCTYPE is not allowed in a bank return");
		xmlFreeDoc(doc);
		return 0;
	}
	rc = xml_validate(rd, doc, xsd_dir, err);
	if (rc == 0 && rd->problems == 0)
		rc = xml_entries(rd, doc, err);
	xmlFreeDoc(doc);
	return rc;
}

/* CLI.md: the format is told by the content; XML starts with '<' (after a BOM and white space). */
static int sniff_xml(const char *path, bool *ret_xml, struct sp_error *err)
{
	FILE *f = fopen(path, "rb");
	unsigned char head[256];
	size_t n, i = 0;

	if (!f)
		return sp_error_set(err, SP_EXIT_INPUT, "cannot open '%s'", path);
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	if (n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF)
		i = 3;
	while (i < n && isspace(head[i]))
		i++;
	*ret_xml = i < n && head[i] == '<';
	return 0;
}

int bankreturn_parse(const char *path, const char *xsd_dir, bankreturn_problem_fn problem_fn, void *ctx,
		     struct bankreturn *ret, struct sp_error *err)
{
	struct reader rd = { .path = path, .problem_fn = problem_fn, .ctx = ctx, .out = ret };
	bool xml = false;
	int rc;

	memset(ret, 0, sizeof(*ret));
	if (sniff_xml(path, &xml, err) < 0)
		return -1;
	ret->format = xml ? BANKRETURN_PAIN002 : BANKRETURN_CSV;
	rc = xml ? xml_read(&rd, xsd_dir, err) : csv_read(&rd, err);
	if (rc < 0)
		return -1;
	if (rd.problems)
		return sp_error_set(err, SP_EXIT_INPUT, "'%s': %ld problem%s, nothing applied", path, rd.problems,
				    rd.problems == 1 ? "" : "s");
	return 0;
}

static bool xsd_in(const char *dir)
{
	char p[PATH_BYTES + 32];

	snprintf(p, sizeof(p), "%s/%s", dir, PAIN002_XSD);
	return access(p, R_OK) == 0;
}

int bankreturn_xsd_dir(char ret[static PATH_BYTES], struct sp_error *err)
{
	const char *env = getenv("SKILLPAY_XSD_DIR");
	char exe[PATH_BYTES];
	ssize_t n;

	if (env && env[0]) {
		if (!xsd_in(env))
			return sp_error_set(err, SP_EXIT_INTERNAL, "'%.3000s/%s' not found (SKILLPAY_XSD_DIR)", env,
					    PAIN002_XSD);
		snprintf(ret, PATH_BYTES, "%s", env);
		return 0;
	}
	/* Beside the source tree: build-X/skillpay -> ../../shared/xsd, as the project is laid out. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash && slash - exe < PATH_BYTES - 32) {
			*slash = '\0';
			snprintf(ret, PATH_BYTES, "%.4000s/../../shared/xsd", exe);
			if (xsd_in(ret))
				return 0;
		}
	}
	snprintf(ret, PATH_BYTES, "../shared/xsd");
	if (xsd_in(ret))
		return 0;
	return sp_error_set(err, SP_EXIT_INTERNAL, "cannot find %s (set SKILLPAY_XSD_DIR to its folder)",
			    PAIN002_XSD);
}

/* ---- applying the statuses ---- */

struct applier {
	struct store *s;
	const char *path;
	enum bankreturn_format format;
	bankreturn_problem_fn problem_fn;
	void *ctx;
	long problems;
	int64_t batch;
	sqlite3_stmt *by_id, *by_scope, *current, *append;
	struct bankreturn_report *rep;
};

static void apply_problem(struct applier *a, const struct bankreturn_entry *e, const char *what, const char *id,
			  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* CSV problems name the line and column; pain.002 problems name the EndToEndId (what 'id').
 * The reason never repeats the id: the subject or the line says which payment it is. */
static void apply_problem(struct applier *a, const struct bankreturn_entry *e, const char *what, const char *id,
			  const char *fmt, ...)
{
	char reason[SP_MESSAGE_MAX], subject[64];
	va_list ap;

	a->problems++;
	if (!a->problem_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (a->format == BANKRETURN_CSV) {
		a->problem_fn(a->ctx, a->path, e->line, "end_to_end_id", reason);
		return;
	}
	snprintf(subject, sizeof(subject), "%s '%s'", what, id);
	a->problem_fn(a->ctx, a->path, 0, subject, reason);
}

static int applier_prepare(struct applier *a, struct sp_error *err)
{
	return store_prepare(a->s, "SELECT payment_id, amount_fen FROM payments WHERE end_to_end_id = ?1",
			     &a->by_id, err) < 0 ||
	       store_prepare(a->s, "SELECT payment_id, amount_fen, end_to_end_id FROM payments"
				   " WHERE run_month = ?1 AND (?2 IS NULL OR funding = ?2) ORDER BY end_to_end_id",
			     &a->by_scope, err) < 0 ||
	       store_prepare(a->s, "SELECT status, reason_code, batch_id FROM payment_status WHERE payment_id = ?1"
				   " ORDER BY id DESC LIMIT 1", &a->current, err) < 0 ||
	       store_prepare(a->s, "INSERT INTO payment_status(payment_id, batch_id, status, reason_code)"
				   " VALUES (?1, ?2, ?3, ?4)", &a->append, err) < 0 ? -1 : 0;
}

static void applier_release(struct applier *a)
{
	sqlite3_finalize(a->by_id);
	sqlite3_finalize(a->by_scope);
	sqlite3_finalize(a->current);
	sqlite3_finalize(a->append);
}

static int count_reason(struct bankreturn_report *rep, const char *code, int64_t amount_fen)
{
	int i;

	for (i = 0; i < rep->n_reasons && strcmp(rep->reasons[i].code, code) != 0; i++)
		continue;
	if (i == rep->n_reasons) {
		if (i == BANKRETURN_REASONS_MAX)
			i--;  /* the last slot gathers the codes beyond the limit */
		else
			rep->n_reasons++;
		snprintf(rep->reasons[i].code, sizeof(rep->reasons[i].code), "%s", i == BANKRETURN_REASONS_MAX - 1 ? "*" : code);
	}
	rep->reasons[i].n++;
	return money_add(rep->reasons[i].amount_fen, amount_fen, &rep->reasons[i].amount_fen);
}

static int count_entry(struct applier *a, const struct bankreturn_entry *e, int64_t amount_fen, struct sp_error *err)
{
	struct bankreturn_report *rep = a->rep;
	int rc;

	rep->entries++;
	switch (e->status) {
	case BANKRETURN_SETTLED:
		rep->settled++;
		rc = money_add(rep->settled_fen, amount_fen, &rep->settled_fen);
		break;
	case BANKRETURN_REJECTED:
		rep->rejected++;
		rc = money_add(rep->rejected_fen, amount_fen, &rep->rejected_fen);
		if (rc == 0)
			rc = count_reason(rep, e->reason_code, amount_fen);
		break;
	default:
		rep->pending++;
		rc = money_add(rep->pending_fen, amount_fen, &rep->pending_fen);
		break;
	}
	return rc < 0 ? sp_error_set(err, SP_EXIT_INTERNAL, "amount overflow summing '%s'", a->path) : 0;
}

static int status_append(struct applier *a, int64_t payment_id, const struct bankreturn_entry *e,
			 struct sp_error *err)
{
	int rc;

	sqlite3_bind_int64(a->append, 1, payment_id);
	sqlite3_bind_int64(a->append, 2, a->batch);
	sqlite3_bind_text(a->append, 3, e->status == BANKRETURN_SETTLED ? "settled" : "rejected", -1, SQLITE_STATIC);
	if (e->reason_code[0])
		sqlite3_bind_text(a->append, 4, e->reason_code, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(a->append, 4);
	rc = sqlite3_step(a->append);
	sqlite3_reset(a->append);
	if (rc != SQLITE_DONE)
		return store_fail(a->s, "payment_status", err);
	a->rep->recorded++;
	return 0;
}

/* One payment's new status. Pending adds nothing; the same status again adds nothing; settled
 * after rejected is a conflict (the money went back to the balance, R10); rejected after
 * settled is a return. Problems are counted, the caller refuses the file. */
static int apply_payment(struct applier *a, const struct bankreturn_entry *e, const char *e2e,
			 int64_t payment_id, int64_t amount_fen, struct sp_error *err)
{
	char current[16] = "", reason[16] = "";
	int64_t current_batch = 0;

	if (count_entry(a, e, amount_fen, err) < 0)
		return -1;
	if (e->status == BANKRETURN_PENDING)
		return 0;
	sqlite3_bind_int64(a->current, 1, payment_id);
	if (sqlite3_step(a->current) == SQLITE_ROW) {
		snprintf(current, sizeof(current), "%s", store_text(a->current, 0));
		snprintf(reason, sizeof(reason), "%s", store_text(a->current, 1));
		current_batch = sqlite3_column_int64(a->current, 2);
	}
	sqlite3_reset(a->current);
	if (strcmp(current, e->status == BANKRETURN_SETTLED ? "settled" : "rejected") == 0) {
		a->rep->unchanged++;
		return 0;
	}
	if (e->status == BANKRETURN_SETTLED && strcmp(current, "rejected") == 0) {
		apply_problem(a, e, "EndToEndId", e2e, "rejected (%s) by batch %lld, cannot be settled now: a conflict",
			      reason, (long long)current_batch);
		return 0;
	}
	if (e->status == BANKRETURN_REJECTED && strcmp(current, "settled") == 0)
		a->rep->returns++;
	return status_append(a, payment_id, e, err);
}

static int apply_one(struct applier *a, const struct bankreturn_entry *e, struct sp_error *err)
{
	int64_t payment_id, amount_fen;
	char want[32], got[32];
	bool found;

	sqlite3_bind_text(a->by_id, 1, e->ref, -1, SQLITE_STATIC);
	found = sqlite3_step(a->by_id) == SQLITE_ROW;
	payment_id = found ? sqlite3_column_int64(a->by_id, 0) : 0;
	amount_fen = found ? sqlite3_column_int64(a->by_id, 1) : 0;
	sqlite3_reset(a->by_id);
	if (!found) {
		apply_problem(a, e, "EndToEndId", e->ref, "unknown EndToEndId: no payment carries it");
		return 0;
	}
	if (e->has_amount && e->amount_fen != amount_fen) {
		apply_problem(a, e, "EndToEndId", e->ref, "amount %s differs from the payment's %s", money_format(e->amount_fen, got),
			      money_format(amount_fen, want));
		return 0;
	}
	return apply_payment(a, e, e->ref, payment_id, amount_fen, err);
}

/* SKILLPAY-YYYY-MM (a message) or SKILLPAY-YYYY-MM-FUNDING (its payment information, CLI.md). */
static int scope_parse(const struct bankreturn_entry *e, int32_t *ret_month, char ret_funding[static 36])
{
	char m[8];
	sp_month month;
	size_t n = strlen(e->ref);

	if (n < 16 || strncmp(e->ref, "SKILLPAY-", 9) != 0)
		return -1;
	memcpy(m, e->ref + 9, 7);
	m[7] = '\0';
	if (month_parse(m, &month) < 0)
		return -1;
	if (e->scope == BANKRETURN_MESSAGE ? n != 16 : (n < 18 || e->ref[16] != '-'))
		return -1;
	snprintf(ret_funding, 36, "%s", e->scope == BANKRETURN_MESSAGE ? "" : e->ref + 17);
	*ret_month = month_to_int(month);
	return 0;
}

static int apply_scope(struct applier *a, const struct bankreturn_entry *e, struct sp_error *err)
{
	const char *what = e->scope == BANKRETURN_MESSAGE ? "OrgnlMsgId" : "OrgnlPmtInfId";
	char funding[36], e2e[SP_END_TO_END_MAX + 1];
	int32_t month;
	long n = 0;
	int rc;

	if (scope_parse(e, &month, funding) < 0) {
		apply_problem(a, e, what, e->ref, "not a skillpay payment file (SKILLPAY-YYYY-MM[-FUNDING])");
		return 0;
	}
	sqlite3_bind_int(a->by_scope, 1, month);
	if (funding[0])
		sqlite3_bind_text(a->by_scope, 2, funding, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(a->by_scope, 2);
	while ((rc = sqlite3_step(a->by_scope)) == SQLITE_ROW) {
		snprintf(e2e, sizeof(e2e), "%s", store_text(a->by_scope, 2));
		n++;
		if (apply_payment(a, e, e2e, sqlite3_column_int64(a->by_scope, 0),
				  sqlite3_column_int64(a->by_scope, 1), err) < 0) {
			sqlite3_reset(a->by_scope);
			return -1;
		}
	}
	sqlite3_reset(a->by_scope);
	if (rc != SQLITE_DONE)
		return store_fail(a->s, "payments", err);
	if (n == 0)
		apply_problem(a, e, what, e->ref, "names no payment");
	return 0;
}

static int apply_all(struct applier *a, const struct bankreturn *r, struct sp_error *err)
{
	int rc = 0;

	if (applier_prepare(a, err) < 0) {
		applier_release(a);
		return -1;
	}
	for (long i = 0; i < r->n && rc == 0; i++) {
		const struct bankreturn_entry *e = &r->entries[i];

		rc = e->scope == BANKRETURN_ONE ? apply_one(a, e, err) : apply_scope(a, e, err);
	}
	applier_release(a);
	if (rc == 0 && a->problems)
		return sp_error_set(err, SP_EXIT_INPUT, "'%s': %ld problem%s, nothing applied", a->path, a->problems,
				    a->problems == 1 ? "" : "s");
	return rc;
}

int bankreturn_reconcile(struct store *s, const char *path, bankreturn_problem_fn problem_fn, void *ctx,
			 struct bankreturn_report *ret, struct sp_error *err)
{
	struct applier a = { .s = s, .path = path, .problem_fn = problem_fn, .ctx = ctx, .rep = ret };
	struct bankreturn r = { 0 };
	char sha[65];
	int64_t existing;
	struct store_batch batch;

	memset(ret, 0, sizeof(*ret));
	if (file_sha256(path, sha, err) < 0 || store_batch_begin(s, sha, &existing, err) < 0)
		return -1;
	if (existing) {
		/* CLI.md: reading the same file twice changes nothing. */
		ret->batch_id = existing;
		ret->already = true;
		return 0;
	}
	if (bankreturn_parse(path, NULL, problem_fn, ctx, &r, err) < 0)
		goto fail;
	a.format = ret->format = r.format;
	batch = (struct store_batch){ .feed = "bank_return", .file_name = path, .sha256 = sha,
				      .encoding = "utf-8", .rows_read = r.n, .rows_loaded = r.n };
	if (store_batch_open(s, &batch, &a.batch, err) < 0 || apply_all(&a, &r, err) < 0)
		goto fail;
	fault_point("reconcile.before_commit");
	bankreturn_release(&r);
	if (store_commit(s, err) < 0) {
		store_rollback(s);
		return -1;
	}
	ret->batch_id = a.batch;
	return 0;
fail:
	bankreturn_release(&r);
	store_rollback(s);
	{
		/* Counts of a refused file would describe nothing that happened. */
		struct bankreturn_report empty = { .format = ret->format };
		*ret = empty;
	}
	return -1;
}
