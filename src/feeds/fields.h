/* fields.h - checks and conversion of one CSV field by its column's type (FEEDS.md formats). */
#ifndef SKILLPAY_FIELDS_H
#define SKILLPAY_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "skillpay/feeds.h"
#include "skillpay/limits.h"

struct field_value {
	bool null;                       /* empty optional field */
	bool is_int;                     /* stored as integer i, else as text */
	int64_t i;                       /* yyyymmdd, yyyymm, fen, level, region, value */
	char text[SP_FIELD_MAX_BYTES + 1]; /* normalised text (the key uses it for every type) */
};

/* Checks raw (len bytes, NUL-terminated) against col. Returns 0 and fills *ret, or -1 with a
 * lower-case reason quoting the value in reason (at most reason_size bytes). today is for
 * "birth date not in the future". */
int field_check(const struct feed_column *col, const char *raw, size_t len, sp_day today,
		struct field_value *ret, char *reason, size_t reason_size);

/* Valid UTF-8 without control characters; *ret_chars counts code points. */
int field_utf8_check(const char *s, size_t len, size_t *ret_chars, const char **ret_reason);

#endif
