/* csvread.c - libcsv fed one physical line at a time, so that every record knows its line. */
#include <assert.h>
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <csv.h>
#include "skillpay/csvread.h"
#include "skillpay/limits.h"

struct reader {
	struct csv_parser parser;
	const char *name;
	csvread_fn fn;
	void *ctx;
	struct sp_error *err;
	long line;             /* the physical line being fed, from 1 */
	bool in_record;        /* bytes of a record have been fed and its end not yet seen */
	long rec_start;        /* the line where the current record's first byte was */
	char *buf;             /* the current record's fields, back to back */
	size_t buf_len, buf_cap;
	size_t offset[CSVREAD_FIELDS_MAX];
	struct csv_record rec;
	bool stop;
	bool at_start;         /* nothing fed yet: a BOM may follow */
};

static int no_space(unsigned char c)
{
	(void)c;
	return 0;  /* keep every byte of a field: " 5.00" is not "5.00" */
}

static void on_field(void *data, size_t len, void *vr)
{
	struct reader *r = vr;
	int i = r->rec.n;

	if (r->stop)
		return;
	/* Chunks end at LF, so a record that begins inside one followed a bare CR: FEEDS.md
	 * allows LF or CRLF line ends only, and two records on one line could not be told apart. */
	if (!r->in_record) {
		sp_error_set(r->err, SP_EXIT_INPUT, "%s:%ld: -: a carriage return without a line feed is not a line end (use LF or CRLF)",
			     r->name, r->line);
		r->stop = true;
		return;
	}
	if (i >= CSVREAD_FIELDS_MAX) {
		r->rec.overflow = 1;
		return;
	}
	if (r->buf_len + len + 1 > r->buf_cap) {
		size_t cap = (r->buf_cap ? r->buf_cap : 1024);
		char *nb;

		while (cap < r->buf_len + len + 1)
			cap *= 2;
		nb = realloc(r->buf, cap);
		if (!nb) {
			sp_error_set(r->err, SP_EXIT_INTERNAL, "out of memory");
			r->stop = true;
			return;
		}
		r->buf = nb;
		r->buf_cap = cap;
	}
	r->offset[i] = r->buf_len;
	if (len)
		memcpy(r->buf + r->buf_len, data, len);
	r->buf[r->buf_len + len] = '\0';
	r->buf_len += len + 1;
	r->rec.len[i] = len;
	r->rec.n++;
}

static void on_record(int c, void *vr)
{
	struct reader *r = vr;

	(void)c;
	if (r->stop)
		return;
	for (int i = 0; i < r->rec.n && i < CSVREAD_FIELDS_MAX; i++)
		r->rec.field[i] = r->buf + r->offset[i];
	r->rec.line = r->rec_start;
	if (r->fn(r->ctx, &r->rec, r->err) < 0)
		r->stop = true;
	r->rec.n = 0;
	r->rec.overflow = 0;
	r->buf_len = 0;
	r->in_record = false;
}

static bool only_line_end(const char *data, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (data[i] != '\r' && data[i] != '\n')
			return false;
	return true;
}

/* Feeds bytes to libcsv, cut at each newline so that r->line is exact inside the callbacks. */
static int feed(struct reader *r, const char *data, size_t len)
{
	if (r->at_start && len > 0) {
		if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
			data += 3;
			len -= 3;
		}
		r->at_start = false;
	}
	while (len > 0 && !r->stop) {
		const char *nl = memchr(data, '\n', len);
		size_t n = nl ? (size_t)(nl - data) + 1 : len;

		/* A record starts on the first line that brings more than a line end; empty lines
		 * between records are skipped by libcsv and start nothing. */
		if (!r->in_record && !only_line_end(data, n)) {
			r->in_record = true;
			r->rec_start = r->line;
		}
		if (csv_parse(&r->parser, data, n, on_field, on_record, r) != n)
			return sp_error_set(r->err, SP_EXIT_INPUT, "%s:%ld: -: malformed CSV (%s)", r->name,
					    r->in_record ? r->rec_start : r->line, "a quote inside an unquoted field or after a closing quote");
		if (nl)
			r->line++;
		data += n;
		len -= n;
	}
	return r->stop ? -1 : 0;
}

/* GBK to UTF-8 in blocks; an incomplete sequence at a block's end waits for the next block. */
static int stream_gbk(struct reader *r, FILE *f)
{
	char in[65536], out[4 * 65536];
	size_t carry = 0;
	iconv_t cd = iconv_open("UTF-8", "GBK");
	int rc = 0;

	if (cd == (iconv_t)-1)
		return sp_error_set(r->err, SP_EXIT_INTERNAL, "iconv cannot convert GBK: %s", strerror(errno));
	for (;;) {
		size_t got = fread(in + carry, 1, sizeof(in) - carry, f);
		size_t avail = carry + got;
		char *ip = in, *op = out;
		size_t il = avail, ol = sizeof(out);

		if (avail == 0)
			break;
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 && errno != EINVAL) {
			/* Feed what decoded so far, so the line number is the bad byte's line. */
			if (feed(r, out, (size_t)(op - out)) == 0)
				sp_error_set(r->err, SP_EXIT_INPUT, "%s:%ld: -: byte 0x%02x is not valid GBK",
					     r->name, r->line, (unsigned char)*ip);
			rc = -1;
			break;
		}
		if (feed(r, out, (size_t)(op - out)) < 0) {
			rc = -1;
			break;
		}
		carry = il;
		memmove(in, ip, carry);
		if (got == 0) {
			if (carry > 0) {
				sp_error_set(r->err, SP_EXIT_INPUT, "%s:%ld: -: the file ends inside a GBK character",
					     r->name, r->line);
				rc = -1;
			}
			break;
		}
	}
	iconv_close(cd);
	return rc;
}

static int stream_raw(struct reader *r, FILE *f)
{
	char in[65536];
	size_t got;

	while ((got = fread(in, 1, sizeof(in), f)) > 0)
		if (feed(r, in, got) < 0)
			return -1;
	return 0;
}

int csvread_stream(FILE *f, const char *name, const char *encoding, csvread_fn fn, void *ctx,
		   struct sp_error *err)
{
	struct reader r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.name = name;
	r.fn = fn;
	r.ctx = ctx;
	r.err = err;
	r.line = 1;
	r.at_start = true;
	if (csv_init(&r.parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return sp_error_set(err, SP_EXIT_INTERNAL, "out of memory");
	csv_set_space_func(&r.parser, no_space);
	rc = strcmp(encoding, "gbk") == 0 ? stream_gbk(&r, f) : stream_raw(&r, f);
	if (rc == 0 && ferror(f))
		rc = sp_error_set(err, SP_EXIT_INPUT, "%s: read error", name);
	if (rc == 0 && csv_fini(&r.parser, on_field, on_record, &r) != 0)
		rc = sp_error_set(err, SP_EXIT_INPUT, "%s:%ld: -: malformed CSV (a quoted field is not closed)",
				  name, r.in_record ? r.rec_start : r.line);
	if (rc == 0 && r.stop)
		rc = -1;
	csv_free(&r.parser);
	free(r.buf);
	return rc;
}

int csvwrite_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n"))
		return fputs(s, f) == EOF ? -1 : 0;
	if (fputc('"', f) == EOF)
		return -1;
	for (; *s; s++)
		if ((*s == '"' && fputc('"', f) == EOF) || fputc(*s, f) == EOF)
			return -1;
	return fputc('"', f) == EOF ? -1 : 0;
}
