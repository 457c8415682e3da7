/* csvread.h - streaming RFC 4180 reader over libcsv: records with their line numbers, in
 * UTF-8 (a BOM is dropped) or decoded from GBK through iconv. Memory is one record. */
#ifndef SKILLPAY_CSVREAD_H
#define SKILLPAY_CSVREAD_H

#include <stddef.h>
#include <stdio.h>
#include "skillpay/error.h"

#define CSVREAD_FIELDS_MAX 64

struct csv_record {
	long line;                           /* physical line where the record starts, from 1 */
	int n;                               /* fields in the record */
	const char *field[CSVREAD_FIELDS_MAX]; /* NUL-terminated; bytes as read (or decoded) */
	size_t len[CSVREAD_FIELDS_MAX];
	int overflow;                        /* the record had more than CSVREAD_FIELDS_MAX fields */
};

/* Called once per record, the header included. Return 0 to go on, -1 to stop (err set). */
typedef int (*csvread_fn)(void *ctx, const struct csv_record *rec, struct sp_error *err);

/* Reads f to the end, calling fn per record. encoding is "utf-8" or "gbk". A malformed record
 * (stray quote, unterminated quoted field) or an undecodable GBK byte is SP_EXIT_INPUT with
 * "NAME:LINE: -: reason" (name is used in messages only). Returns 0 or -1. */
int csvread_stream(FILE *f, const char *name, const char *encoding, csvread_fn fn, void *ctx,
		   struct sp_error *err);

/* Writes one RFC 4180 field: quoted (quotes doubled) only when it holds a comma, a quote or a
 * line end. Returns 0, or -1 on a write error. */
int csvwrite_field(FILE *f, const char *s);

#endif
