/* fuzz_feed_target.h - the feed parser with its field validators, as one fuzz entry point.
 *
 * Shared by the libFuzzer harness (tests/fuzz/fuzz_feed.c) and the regression replay
 * (tests/unit/test_fuzz_regressions.c), so that a saved crash input is replayed through the
 * very same code. Input layout:
 *   byte 0: bit 0 set = decode as "gbk", else "utf-8"
 *   byte 1: the feed, feed_defs[byte % feed_defs_count]
 *   rest:   the CSV file's bytes
 * The first record is the header: each feed column is looked up there by name (as ingest
 * does), a column missing from it falls back to its position. Every later record's fields go
 * through field_check. Oracles: a refused file has an SP_EXIT_INPUT error with a message; a
 * record's fields are NUL-terminated at their length and it starts on a later line than the
 * record before it; an accepted field is valid UTF-8 of at
 * most SP_FIELD_MAX_BYTES, an accepted amount is within range and survives money_format and
 * money_parse_yuan, an accepted date or month survives its format/parse, an accepted identity
 * has its check character. A broken oracle aborts. */
#ifndef SKILLPAY_FUZZ_FEED_TARGET_H
#define SKILLPAY_FUZZ_FEED_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fields.h"
#include "skillpay/calendar.h"
#include "skillpay/csvread.h"
#include "skillpay/error.h"
#include "skillpay/feeds.h"
#include "skillpay/identity.h"
#include "skillpay/money.h"

#include "fuzz_common.h"

struct fuzz_feed_ctx {
	const struct feed_def *def;
	int position[8];        /* CSV position of each feed column */
	int seen_header;
	long last_line;         /* the previous record's line: each record starts on a later one */
	long records, accepted, refused;
};

static void fuzz_feed_check_accepted(const struct feed_column *col, const char *raw, size_t len,
				     const struct field_value *v)
{
	size_t chars;
	const char *why = NULL;
	char buf[32];
	int64_t back;

	if (v->null) {
		FUZZ_CHECK(len == 0 && col->optional);
		return;
	}
	FUZZ_CHECK(len <= SP_FIELD_MAX_BYTES);
	FUZZ_CHECK(field_utf8_check(raw, len, &chars, &why) == 0);
	FUZZ_CHECK(chars <= SP_TEXT_MAX_CHARS);
	FUZZ_CHECK(strlen(v->text) <= len);
	switch (col->field) {
	case FIELD_AMOUNT:
		FUZZ_CHECK(v->is_int && v->i >= 0 && v->i <= SP_MONEY_MAX_FEN);
		money_format(v->i, buf);
		FUZZ_CHECK(money_parse_yuan(buf, &back) == 0 && back == v->i);
		break;
	case FIELD_DATE: {
		char d[11];
		sp_day day;

		FUZZ_CHECK(v->is_int);
		day_format(day_from_int((int32_t)v->i), d);
		FUZZ_CHECK(strcmp(d, raw) == 0);
		FUZZ_CHECK(day_parse(d, &day) == 0 && day_to_int(day) == v->i);
		break;
	}
	case FIELD_MONTH: {
		char m[8];

		FUZZ_CHECK(v->is_int);
		month_format(month_from_int((int32_t)v->i), m);
		FUZZ_CHECK(strcmp(m, raw) == 0);
		break;
	}
	case FIELD_PERSON_ID:
		FUZZ_CHECK(strlen(v->text) == SP_ID_LEN);
		FUZZ_CHECK(identity_person_check_char(v->text) == v->text[17]);
		break;
	case FIELD_EMPLOYER_ID:
		FUZZ_CHECK(len == SP_ID_LEN);
		FUZZ_CHECK(identity_credit_check_char(raw) == raw[17]);
		break;
	default:
		break;
	}
}

static int fuzz_feed_record(void *vctx, const struct csv_record *rec, struct sp_error *err)
{
	struct fuzz_feed_ctx *ctx = vctx;
	const struct feed_def *def = ctx->def;

	(void)err;
	FUZZ_CHECK(rec->n >= 0 && rec->n <= CSVREAD_FIELDS_MAX);
	FUZZ_CHECK(rec->line >= 1);
	/* Problems and rejects are keyed by line: two records on one line would share them. */
	FUZZ_CHECK(rec->line > ctx->last_line);
	ctx->last_line = rec->line;
	for (int i = 0; i < rec->n; i++)
		FUZZ_CHECK(rec->field[i] && rec->field[i][rec->len[i]] == '\0');
	ctx->records++;
	if (!ctx->seen_header) {
		ctx->seen_header = 1;
		for (int c = 0; c < def->n_columns; c++) {
			ctx->position[c] = c;
			for (int i = 0; i < rec->n; i++)
				if (strcmp(rec->field[i], def->columns[c].name) == 0)
					ctx->position[c] = i;
		}
		return 0;
	}
	for (int c = 0; c < def->n_columns; c++) {
		const struct feed_column *col = &def->columns[c];
		int p = ctx->position[c];
		struct field_value *v;
		char reason[256];

		if (p >= rec->n)
			continue;
		/* Heap-allocated so that ASan sees a write past the text buffer. */
		v = malloc(sizeof(*v));
		FUZZ_CHECK(v != NULL);
		reason[0] = '\0';
		if (field_check(col, rec->field[p], rec->len[p], day_from_ymd(2026, 11, 15), v, reason,
				sizeof(reason)) == 0) {
			fuzz_feed_check_accepted(col, rec->field[p], rec->len[p], v);
			ctx->accepted++;
		} else {
			FUZZ_CHECK(reason[0] != '\0' && strlen(reason) < sizeof(reason));
			ctx->refused++;
		}
		free(v);
	}
	return 0;
}

/* Returns 0 when the CSV was read to the end, -1 when it was refused (a clean error). */
static int fuzz_feed_one(const uint8_t *data, size_t size)
{
	struct fuzz_feed_ctx ctx;
	struct sp_error err;
	const char *encoding;
	FILE *f;
	int rc;

	if (size < 2)
		return 0;
	memset(&ctx, 0, sizeof(ctx));
	sp_error_clear(&err);
	encoding = (data[0] & 1) ? "gbk" : "utf-8";
	ctx.def = &feed_defs[data[1] % feed_defs_count];
	data += 2;
	size -= 2;
	/* fmemopen refuses a zero-sized buffer on some libcs: an empty file is /dev/null. */
	f = size ? fmemopen((void *)data, size, "rb") : fopen("/dev/null", "rb");
	FUZZ_CHECK(f != NULL);
	rc = csvread_stream(f, "fuzz.csv", encoding, fuzz_feed_record, &ctx, &err);
	fclose(f);
	if (rc == 0) {
		FUZZ_CHECK(err.code == 0);
	} else {
		FUZZ_CHECK(rc == -1);
		FUZZ_CHECK(err.code == SP_EXIT_INPUT);
		FUZZ_CHECK(err.message[0] != '\0' && strncmp(err.message, "fuzz.csv:", 9) == 0);
	}
	return rc;
}

#endif
