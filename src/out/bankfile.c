/* bankfile.c - pain.001.001.09 and cn-batch files of a closed month (include/skillpay/bankfile.h). */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libxml/encoding.h>
#include <libxml/xmlstring.h>
#include <libxml/xmlwriter.h>
#include <openssl/evp.h>
#include "skillpay/bankfile.h"
#include "skillpay/calendar.h"
#include "skillpay/fault.h"
#include "skillpay/limits.h"
#include "skillpay/money.h"

#define PAIN001_NAME_MAX 140      /* Max140Text: Cdtr/Nm, Dbtr/Nm, InitgPty/Nm */
#define PAIN001_ACCOUNT_MAX 34    /* Max34Text: Othr/Id of an account */
#define PAIN001_ID_MAX 35         /* Max35Text: MsgId, PmtInfId, MmbId */
#define CNAPS_CODE "CNAPS"        /* ExternalClearingSystemIdentification1Code of China's CNAPS */

/* ---- loading ---------------------------------------------------------------------------- */

void bankfile_month_free(struct bankfile_month *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->count; i++) {
		struct bankfile_payment *p = &m->payments[i];

		free((char *)p->payee_id);
		free((char *)p->end_to_end_id);
		free((char *)p->funding);
		free((char *)p->account_no);
		free((char *)p->account_name);
		free((char *)p->bank_code);
	}
	free(m->payments);
	free(m);
}

static int load_closed_at(struct store *s, struct bankfile_month *m, struct sp_error *err)
{
	sqlite3_stmt *st;
	char month[8];
	int rc;

	if (store_prepare(s, "SELECT closed_at FROM closes WHERE run_month = ?1", &st, err) < 0)
		return -1;
	sqlite3_bind_int(st, 1, m->month);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(m->closed_at, sizeof(m->closed_at), "%s", store_text(st, 0));
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return store_fail(s, "closes", err);
	month_format(month_from_int(m->month), month);
	return sp_error_set(err, SP_EXIT_STATE, "month '%s' is not closed: only a closed month has bank files"
			    " (run 'skillpay close --month %s' first)", month, month);
}

static int load_row(sqlite3_stmt *st, struct bankfile_payment *p)
{
	const char **fields[] = { &p->payee_id, &p->end_to_end_id, &p->funding, &p->account_no,
				  &p->account_name, &p->bank_code };
	const int cols[] = { 0, 1, 2, 4, 5, 6 };

	memset(p, 0, sizeof(*p));
	p->amount_fen = sqlite3_column_int64(st, 3);
	for (int i = 0; i < 6; i++)
		if (!(*fields[i] = strdup(store_text(st, cols[i]))))
			return -1;
	return 0;
}

static int load_payments(struct store *s, struct bankfile_month *m, struct sp_error *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	if (store_prepare(s, "SELECT payee_id, end_to_end_id, funding, amount_fen, account_no, account_name,"
			     " bank_code FROM payments WHERE run_month = ?1 ORDER BY end_to_end_id", &st, err) < 0)
		return -1;
	sqlite3_bind_int(st, 1, m->month);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (m->count == cap) {
			size_t want = cap ? cap * 2 : 64;
			struct bankfile_payment *grown = realloc(m->payments, want * sizeof(*grown));

			if (!grown)
				break;
			m->payments = grown;
			cap = want;
		}
		m->count++;   /* counted first so that bankfile_month_free frees a half-filled row */
		if (load_row(st, &m->payments[m->count - 1]) < 0)
			break;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return sp_error_set(err, SP_EXIT_INTERNAL, "out of memory reading the payments");
	return rc == SQLITE_DONE ? 0 : store_fail(s, "payments", err);
}

int bankfile_load(struct store *s, int32_t month, struct bankfile_month **ret, struct sp_error *err)
{
	struct bankfile_month *m = calloc(1, sizeof(*m));

	assert(s && ret);
	if (!m)
		return sp_error_set(err, SP_EXIT_INTERNAL, "out of memory reading the payments");
	m->month = month;
	if (load_closed_at(s, m, err) < 0 || load_payments(s, m, err) < 0) {
		bankfile_month_free(m);
		return -1;
	}
	*ret = m;
	return 0;
}

int bankfile_totals(const struct bankfile_month *m, const char *funding, size_t *ret_count,
		    int64_t *ret_total_fen, struct sp_error *err)
{
	int64_t total_fen = 0;
	size_t count = 0;

	for (size_t i = 0; i < m->count; i++) {
		const struct bankfile_payment *p = &m->payments[i];

		if (funding && strcmp(p->funding, funding) != 0)
			continue;
		if (money_add(total_fen, p->amount_fen, &total_fen) < 0)
			return sp_error_set(err, SP_EXIT_INTERNAL, "the total of the payments overflows");
		count++;
	}
	*ret_count = count;
	*ret_total_fen = total_fen;
	return 0;
}

/* ---- checks both formats share ------------------------------------------------------------ */

/* The close date from closed_at ("YYYY-MM-DDTHH:MM:SSZ"): "YYYY-MM-DD" and "YYYYMMDD". */
static int close_date(const struct bankfile_month *m, char ret_iso[static 11], char ret_compact[static 9],
		      struct sp_error *err)
{
	const char *c = m->closed_at;
	sp_day day;

	if (strlen(c) == 20) {
		memcpy(ret_iso, c, 10);
		ret_iso[10] = '\0';
	}
	if (strlen(c) != 20 || c[10] != 'T' || c[19] != 'Z' || day_parse(ret_iso, &day) < 0)
		return sp_error_set(err, SP_EXIT_INTEGRITY, "the close time '%s' is not YYYY-MM-DDTHH:MM:SSZ", c);
	snprintf(ret_compact, 9, "%08d", day_to_int(day));
	return 0;
}

/* Why s cannot go into a bank file, or NULL: every field is one line of valid UTF-8. */
static const char *text_problem(const char *s, int max_chars)
{
	int chars;

	if (!s[0])
		return "is empty";
	for (const unsigned char *u = (const unsigned char *)s; *u; u++)
		if (*u < 0x20 || *u == 0x7f)
			return "holds a control character";
	chars = xmlCheckUTF8((const xmlChar *)s) ? xmlUTF8Strlen((const xmlChar *)s) : -1;
	if (chars < 0)
		return "is not valid UTF-8";
	if (max_chars > 0 && chars > max_chars)
		return max_chars == PAIN001_NAME_MAX ? "is longer than 140 characters" :
		       max_chars == PAIN001_ACCOUNT_MAX ? "is longer than 34 characters" : "is longer than 35 characters";
	return NULL;
}

/* s cut to at most 96 bytes at a character boundary, with "..." when cut: messages stay
 * within SP_MESSAGE_MAX however long a name is. */
static const char *clip(const char *s, char ret[static 104])
{
	size_t n = strlen(s);

	if (n <= 96)
		return s;
	n = 96;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(ret, s, n);
	memcpy(ret + n, "...", 4);
	return ret;
}

static int check_payment(const struct bankfile_payment *p, bool pain001, struct sp_error *err)
{
	const char *names[] = { "end_to_end_id", "funding", "account_no", "account_name", "bank_code" };
	const char *values[] = { p->end_to_end_id, p->funding, p->account_no, p->account_name, p->bank_code };
	/* funding: PmtInfId "SKILLPAY-YYYY-MM-<funding>" must stay within Max35Text. */
	const int max_chars[] = { SP_END_TO_END_MAX, PAIN001_ID_MAX - 17, pain001 ? PAIN001_ACCOUNT_MAX : 0,
				  pain001 ? PAIN001_NAME_MAX : 0, pain001 ? PAIN001_ID_MAX : 0 };

	if (p->amount_fen <= 0 || p->amount_fen > SP_MONEY_MAX_FEN)
		return sp_error_set(err, SP_EXIT_INTEGRITY, "payment '%s' to payee '%s' has the amount %lld fen",
				    p->end_to_end_id, p->payee_id, (long long)p->amount_fen);
	for (int i = 0; i < 5; i++) {
		const char *why = text_problem(values[i], max_chars[i]);
		char id[104], name[104], value[104];

		if (why)
			return sp_error_set(err, SP_EXIT_INPUT, "payment '%s' to payee '%s' (%s): %s '%s' %s",
					    clip(p->end_to_end_id, id), p->payee_id, clip(p->account_name, name),
					    names[i], clip(values[i], value), why);
	}
	return 0;
}

static int check_payer(const struct config_payer *payer, bool pain001, struct sp_error *err)
{
	const char *names[] = { "name", "account", "bank_code", "initiating_party" };
	const char *values[] = { payer->name, payer->account, payer->bank_code, payer->initiating_party };
	const int max_chars[] = { pain001 ? PAIN001_NAME_MAX : 0, pain001 ? PAIN001_ACCOUNT_MAX : 0,
				  pain001 ? PAIN001_ID_MAX : 0, PAIN001_NAME_MAX };

	for (int i = 0; i < 4; i++) {
		const char *why = i == 3 && !values[i][0] ? NULL : text_problem(values[i], max_chars[i]);

		if (why)
			return sp_error_set(err, SP_EXIT_USAGE, "configuration [payer] %s '%s' %s", names[i], values[i], why);
	}
	return 0;
}

static int check_month(const struct bankfile_month *m, bool pain001, struct sp_error *err)
{
	for (size_t i = 0; i < m->count; i++)
		if (check_payment(&m->payments[i], pain001, err) < 0)
			return -1;
	return 0;
}

/* ---- buffers ---------------------------------------------------------------------------- */

void bankfile_buffer_release(struct bankfile_buffer *b)
{
	if (!b)
		return;
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static int buffer_append(struct bankfile_buffer *b, const void *data, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t want = b->cap ? b->cap : 4096;
		char *grown;

		while (want < b->len + n + 1)
			want *= 2;
		if (!(grown = realloc(b->data, want)))
			return -1;
		b->data = grown;
		b->cap = want;
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

void bankfile_name(int32_t month, enum bankfile_format format, char ret[static BANKFILE_NAME_MAX])
{
	char m[8];

	month_format(month_from_int(month), m);
	snprintf(ret, BANKFILE_NAME_MAX, "skillpay-%s.%s", m, format == BANKFILE_PAIN001 ? "pain001.xml" : "cn-batch.txt");
}

/* ---- pain.001.001.09 ---------------------------------------------------------------------- */

static int elem(xmlTextWriterPtr w, const char *name, const char *text)
{
	return xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST text) < 0 ? -1 : 0;
}

static int start(xmlTextWriterPtr w, const char *name)
{
	return xmlTextWriterStartElement(w, BAD_CAST name) < 0 ? -1 : 0;
}

static int end(xmlTextWriterPtr w, int n)
{
	for (int i = 0; i < n; i++)
		if (xmlTextWriterEndElement(w) < 0)
			return -1;
	return 0;
}

/* An account as Id/Othr/Id: Chinese account numbers are not IBANs. */
static int account(xmlTextWriterPtr w, const char *tag, const char *account_no)
{
	return start(w, tag) || start(w, "Id") || start(w, "Othr") || elem(w, "Id", account_no) || end(w, 3) ? -1 : 0;
}

/* A bank by its CNAPS code: FinInstnId/ClrSysMmbId with ClrSysId/Cd CNAPS. */
static int agent(xmlTextWriterPtr w, const char *tag, const char *bank_code)
{
	return start(w, tag) || start(w, "FinInstnId") || start(w, "ClrSysMmbId") || start(w, "ClrSysId") ||
	       elem(w, "Cd", CNAPS_CODE) || end(w, 1) || elem(w, "MmbId", bank_code) || end(w, 3) ? -1 : 0;
}

static int party(xmlTextWriterPtr w, const char *tag, const char *name)
{
	return start(w, tag) || elem(w, "Nm", name) || end(w, 1) ? -1 : 0;
}

static int transaction(xmlTextWriterPtr w, const struct bankfile_payment *p, const char *memo)
{
	char amount[32];

	money_format(p->amount_fen, amount);
	return start(w, "CdtTrfTxInf") || start(w, "PmtId") || elem(w, "EndToEndId", p->end_to_end_id) || end(w, 1) ||
	       start(w, "Amt") || start(w, "InstdAmt") ||
	       xmlTextWriterWriteAttribute(w, BAD_CAST "Ccy", BAD_CAST "CNY") < 0 ||
	       xmlTextWriterWriteString(w, BAD_CAST amount) < 0 || end(w, 2) ||
	       agent(w, "CdtrAgt", p->bank_code) || party(w, "Cdtr", p->account_name) ||
	       account(w, "CdtrAcct", p->account_no) ||
	       start(w, "RmtInf") || elem(w, "Ustrd", memo) || end(w, 2) ? -1 : 0;
}

struct pain001_ctx {
	xmlTextWriterPtr w;
	const struct bankfile_month *m;
	const struct config_payer *payer;
	char msg_id[32];      /* SKILLPAY-YYYY-MM */
	char date[11];        /* the close date */
	char memo[64];
};

static int payment_info(struct pain001_ctx *c, const char *funding, struct sp_error *err)
{
	xmlTextWriterPtr w = c->w;
	char id[PAIN001_ID_MAX + 1], count_text[24], sum[32];
	size_t count;
	int64_t total_fen;

	if (bankfile_totals(c->m, funding, &count, &total_fen, err) < 0)
		return -1;
	snprintf(id, sizeof(id), "%s-%s", c->msg_id, funding);
	snprintf(count_text, sizeof(count_text), "%zu", count);
	money_format(total_fen, sum);
	if (start(w, "PmtInf") || elem(w, "PmtInfId", id) || elem(w, "PmtMtd", "TRF") ||
	    elem(w, "NbOfTxs", count_text) || elem(w, "CtrlSum", sum) ||
	    start(w, "ReqdExctnDt") || elem(w, "Dt", c->date) || end(w, 1) ||
	    party(w, "Dbtr", c->payer->name) || account(w, "DbtrAcct", c->payer->account) ||
	    agent(w, "DbtrAgt", c->payer->bank_code))
		return -1;
	for (size_t i = 0; i < c->m->count; i++)
		if (strcmp(c->m->payments[i].funding, funding) == 0 && transaction(w, &c->m->payments[i], c->memo) < 0)
			return -1;
	return end(w, 1);
}

/* The funding sources in strcmp order, one PmtInf each: the first payment of each source that
 * sorts after prev. Returns NULL when none is left. */
static const char *next_funding(const struct bankfile_month *m, const char *prev)
{
	const char *best = NULL;

	for (size_t i = 0; i < m->count; i++) {
		const char *f = m->payments[i].funding;

		if ((!prev || strcmp(f, prev) > 0) && (!best || strcmp(f, best) < 0))
			best = f;
	}
	return best;
}

static int group_header(struct pain001_ctx *c, struct sp_error *err)
{
	xmlTextWriterPtr w = c->w;
	const char *initiator = c->payer->initiating_party[0] ? c->payer->initiating_party : c->payer->name;
	char count_text[24], sum[32];
	size_t count;
	int64_t total_fen;

	if (bankfile_totals(c->m, NULL, &count, &total_fen, err) < 0)
		return -1;
	snprintf(count_text, sizeof(count_text), "%zu", count);
	money_format(total_fen, sum);
	/* CreDtTm is the close time, never the clock: a re-export is byte-identical. */
	return start(w, "GrpHdr") || elem(w, "MsgId", c->msg_id) || elem(w, "CreDtTm", c->m->closed_at) ||
	       elem(w, "NbOfTxs", count_text) || elem(w, "CtrlSum", sum) || party(w, "InitgPty", initiator) ||
	       end(w, 1) ? -1 : 0;
}

static int pain001_document(struct pain001_ctx *c, struct sp_error *err)
{
	xmlTextWriterPtr w = c->w;
	const char *funding = NULL;

	if (xmlTextWriterSetIndent(w, 1) < 0 || xmlTextWriterSetIndentString(w, BAD_CAST "  ") < 0 ||
	    xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0 || start(w, "Document") ||
	    xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns", BAD_CAST BANKFILE_NAMESPACE) < 0 ||
	    start(w, "CstmrCdtTrfInitn"))
		return -1;
	if (group_header(c, err) < 0)
		return -1;
	while ((funding = next_funding(c->m, funding)))
		if (payment_info(c, funding, err) < 0)
			return -1;
	return end(w, 2) || xmlTextWriterEndDocument(w) < 0 ? -1 : 0;
}

static void month_texts(int32_t month, char ret_id[static 32], char ret_memo[static 64])
{
	char m[8];

	month_format(month_from_int(month), m);
	snprintf(ret_id, 32, "SKILLPAY-%s", m);
	snprintf(ret_memo, 64, "武义县技能人才津贴%04d年%02d月", month / 100, month % 100);
}

int bankfile_pain001(const struct bankfile_month *m, const struct config_payer *payer,
		     struct bankfile_buffer *ret, struct sp_error *err)
{
	struct pain001_ctx c = { .m = m, .payer = payer };
	char compact[9];
	xmlBufferPtr xb;
	int rc = -1;

	assert(m && payer && ret && !ret->data);
	if (check_payer(payer, true, err) < 0 || check_month(m, true, err) < 0 ||
	    close_date(m, c.date, compact, err) < 0)
		return -1;
	month_texts(m->month, c.msg_id, c.memo);
	if (!(xb = xmlBufferCreate()) || !(c.w = xmlNewTextWriterMemory(xb, 0))) {
		xmlBufferFree(xb);
		return sp_error_set(err, SP_EXIT_INTERNAL, "out of memory writing the pain.001 file");
	}
	rc = pain001_document(&c, err);
	xmlFreeTextWriter(c.w);   /* flushes into xb */
	if (rc == 0 && buffer_append(ret, xmlBufferContent(xb), (size_t)xmlBufferLength(xb)) < 0)
		rc = -1;
	xmlBufferFree(xb);
	if (rc < 0) {
		bankfile_buffer_release(ret);
		return sp_error_set(err, SP_EXIT_INTERNAL, "cannot write the pain.001 XML");
	}
	return 0;
}

/* ---- cn-batch ------------------------------------------------------------------------------ */

struct cn_writer {
	const struct bankfile_cn_options *o;
	iconv_t cd;                      /* UTF-8 to GBK; (iconv_t)-1 for UTF-8 output */
	struct bankfile_buffer *out;
};

/* Appends one field in the output encoding, after the delimiter unless first. Returns 0, -1
 * (out of memory), -2 (not encodable), -3 (its bytes hold the delimiter or a line end: a GBK
 * trail byte can equal an ASCII delimiter such as '|', and a bank's parser may split on it) or
 * -4 (longer than any feed field). */
static int cn_field(struct cn_writer *c, const char *text, bool first)
{
	char encoded[4 * SP_FIELD_MAX_BYTES];
	size_t n = strlen(text);

	if (c->o->encoding == CONFIG_ENCODING_GBK) {
		char *in = (char *)text, *outp = encoded;
		size_t in_left = n, out_left = sizeof(encoded);

		iconv(c->cd, NULL, NULL, NULL, NULL);
		if (iconv(c->cd, &in, &in_left, &outp, &out_left) == (size_t)-1)
			return errno == E2BIG ? -4 : -2;
		n = sizeof(encoded) - out_left;
	} else {
		if (n >= sizeof(encoded))
			return -4;
		if (!xmlCheckUTF8((const xmlChar *)text))
			return -2;
		memcpy(encoded, text, n);
	}
	if (memchr(encoded, c->o->delimiter, n) || memchr(encoded, '\n', n) || memchr(encoded, '\r', n))
		return -3;
	if (!first && buffer_append(c->out, &c->o->delimiter, 1) < 0)
		return -1;
	return buffer_append(c->out, encoded, n);
}

/* One line of fields; on a refusal *ret_bad is the index of the field refused. */
static int cn_line(struct cn_writer *c, const char *const *fields, int n, int *ret_bad)
{
	for (int i = 0; i < n; i++) {
		int rc = cn_field(c, fields[i], i == 0);

		if (rc < 0) {
			*ret_bad = i;
			return rc;
		}
	}
	return buffer_append(c->out, "\n", 1);
}

static const char *cn_reason(int rc, const struct cn_writer *c)
{
	if (rc == -4)
		return "is too long";
	if (rc == -2)
		return c->o->encoding == CONFIG_ENCODING_GBK ? "cannot be written in GBK (correct it, or export with --encoding utf-8)"
							     : "is not valid UTF-8";
	return c->o->delimiter == '\t' ? "holds the delimiter (tab) or a line end" : "holds the delimiter or a line end";
}

struct cn_texts {
	char batch_id[32];     /* SKILLPAY-YYYY-MM */
	char memo[64];
	char date[9];          /* the close date, YYYYMMDD */
	char count[24];
	char total[32];
};

/* H or T. A payer account holding the delimiter is the configuration's fault (SP_EXIT_USAGE). */
static int cn_summary(struct cn_writer *c, const struct config_payer *payer, const struct cn_texts *t,
		      bool header, struct sp_error *err)
{
	const char *h[] = { "H", t->batch_id, payer->account, t->count, t->total, t->date };
	const char *tr[] = { "T", t->count, t->total };
	int bad = 0, rc = header ? cn_line(c, h, 6, &bad) : cn_line(c, tr, 3, &bad);

	if (rc == -1)
		return sp_error_set(err, SP_EXIT_INTERNAL, "out of memory writing the cn-batch file");
	if (rc < 0)
		return sp_error_set(err, SP_EXIT_USAGE, "configuration [payer] account '%s' %s", payer->account,
				    cn_reason(rc, c));
	return 0;
}

static int cn_detail(struct cn_writer *c, const struct bankfile_payment *p, size_t seq, const struct cn_texts *t,
		     struct sp_error *err)
{
	static const char *const names[] = { "record type", "seq", "account_no", "account_name", "amount",
					     "bank_code", "end_to_end_id", "memo" };
	char seq_text[24], amount[32];
	const char *f[] = { "D", seq_text, p->account_no, p->account_name, amount, p->bank_code,
			    p->end_to_end_id, t->memo };
	int bad = 0, rc;

	snprintf(seq_text, sizeof(seq_text), "%zu", seq);
	money_format(p->amount_fen, amount);
	rc = cn_line(c, f, 8, &bad);
	if (rc == -1)
		return sp_error_set(err, SP_EXIT_INTERNAL, "out of memory writing the cn-batch file");
	if (rc < 0) {
		char name[104], value[104];

		return sp_error_set(err, SP_EXIT_INPUT, "payment '%s' to payee '%s' (%s): %s '%s' %s",
				    p->end_to_end_id, p->payee_id, clip(p->account_name, name), names[bad],
				    clip(f[bad], value), cn_reason(rc, c));
	}
	return 0;
}

static int cn_document(struct cn_writer *c, const struct bankfile_month *m, const struct config_payer *payer,
		       const struct cn_texts *t, struct sp_error *err)
{
	if (c->o->summary != CONFIG_SUMMARY_LAST && cn_summary(c, payer, t, true, err) < 0)
		return -1;
	for (size_t i = 0; i < m->count; i++)
		if (cn_detail(c, &m->payments[i], i + 1, t, err) < 0)
			return -1;
	if (c->o->summary != CONFIG_SUMMARY_FIRST && cn_summary(c, payer, t, false, err) < 0)
		return -1;
	return 0;
}

int bankfile_cn_batch(const struct bankfile_month *m, const struct config_payer *payer,
		      const struct bankfile_cn_options *o, struct bankfile_buffer *ret, struct sp_error *err)
{
	struct cn_writer c = { .o = o, .cd = (iconv_t)-1, .out = ret };
	struct cn_texts t;
	char iso[11];
	size_t count;
	int64_t total_fen;
	int rc;

	assert(m && payer && o && ret && !ret->data);
	if (check_payer(payer, false, err) < 0 || check_month(m, false, err) < 0 ||
	    close_date(m, iso, t.date, err) < 0 || bankfile_totals(m, NULL, &count, &total_fen, err) < 0)
		return -1;
	month_texts(m->month, t.batch_id, t.memo);
	snprintf(t.count, sizeof(t.count), "%zu", count);
	money_format(total_fen, t.total);
	if (o->encoding == CONFIG_ENCODING_GBK && (c.cd = iconv_open("GBK", "UTF-8")) == (iconv_t)-1)
		return sp_error_set(err, SP_EXIT_INTERNAL, "no UTF-8 to GBK conversion: %s", strerror(errno));
	rc = cn_document(&c, m, payer, &t, err);
	if (c.cd != (iconv_t)-1)
		iconv_close(c.cd);
	if (rc < 0)
		bankfile_buffer_release(ret);
	return rc;
}

/* ---- writing ------------------------------------------------------------------------------- */

static void sha256_hex(const void *data, size_t n, char ret_hex[static 65])
{
	unsigned char digest[32];
	unsigned int len = 0;
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	assert(md);
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	EVP_DigestUpdate(md, data, n);
	EVP_DigestFinal_ex(md, digest, &len);
	EVP_MD_CTX_free(md);
	for (int i = 0; i < 32; i++)
		snprintf(ret_hex + 2 * i, 3, "%02x", digest[i]);
}

/* Writes data to a new temporary file DIR/.NAME.XXXXXX (mode 0600) and fsyncs it; ret_tmp
 * gets its path. On failure nothing is left behind. */
static int write_temp(const char *dir, const char *name, const void *data, size_t n, char *ret_tmp,
		      size_t tmp_size, struct sp_error *err)
{
	const char *p = data;
	int fd, saved;

	if ((size_t)snprintf(ret_tmp, tmp_size, "%s/.%s.XXXXXX", dir, name) >= tmp_size)
		return sp_error_set(err, SP_EXIT_USAGE, "the path '%s/%s' is too long", dir, name);
	if ((fd = mkstemp(ret_tmp)) < 0)
		return sp_error_set(err, SP_EXIT_USAGE, "cannot write in '%s': %s", dir, strerror(errno));
	if (fchmod(fd, 0600) < 0)
		goto fail;
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		p += w;
		n -= (size_t)w;
	}
	if (fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(ret_tmp);
	return sp_error_set(err, SP_EXIT_INTERNAL, "cannot write '%s': %s", ret_tmp, strerror(saved));
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int bankfile_write(const char *dir, const char *name, const struct bankfile_buffer *b,
		   char ret_hex[static 65], struct sp_error *err)
{
	char tmp[2][4096], final[2][4096], sum_name[BANKFILE_NAME_MAX + 8], sum_line[BANKFILE_NAME_MAX + 80];
	int n;

	assert(dir && name && b);
	sha256_hex(b->data ? b->data : "", b->len, ret_hex);
	snprintf(sum_name, sizeof(sum_name), "%s.sha256", name);
	n = snprintf(sum_line, sizeof(sum_line), "%s  %s\n", ret_hex, name);   /* sha256sum's format */
	if ((size_t)snprintf(final[0], sizeof(final[0]), "%s/%s", dir, name) >= sizeof(final[0]) ||
	    (size_t)snprintf(final[1], sizeof(final[1]), "%s/%s", dir, sum_name) >= sizeof(final[1]))
		return sp_error_set(err, SP_EXIT_USAGE, "the path '%s/%s' is too long", dir, name);
	if (write_temp(dir, name, b->data ? b->data : "", b->len, tmp[0], sizeof(tmp[0]), err) < 0)
		return -1;
	if (write_temp(dir, sum_name, sum_line, (size_t)n, tmp[1], sizeof(tmp[1]), err) < 0) {
		unlink(tmp[0]);
		return -1;
	}
	fault_point("export.before_rename");
	if (rename(tmp[0], final[0]) < 0 || rename(tmp[1], final[1]) < 0) {
		int saved = errno;

		unlink(tmp[0]);
		unlink(tmp[1]);
		return sp_error_set(err, SP_EXIT_INTERNAL, "cannot rename into '%s': %s", final[0], strerror(saved));
	}
	if (sync_dir(dir) < 0)
		return sp_error_set(err, SP_EXIT_INTERNAL, "cannot sync '%s': %s", dir, strerror(errno));
	return 0;
}
