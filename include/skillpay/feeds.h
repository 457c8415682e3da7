/* feeds.h - the table of the twelve feeds of FEEDS.md and the ingest of one file. */
#ifndef SKILLPAY_FEEDS_H
#define SKILLPAY_FEEDS_H

#include <stdbool.h>
#include <stdint.h>
#include "skillpay/error.h"
#include "skillpay/store.h"

enum feed_field {
	FIELD_PERSON_ID,    /* GB 11643 */
	FIELD_EMPLOYER_ID,  /* GB 32100 */
	FIELD_PAYEE_ID,     /* either of the two */
	FIELD_DATE,         /* YYYY-MM-DD, stored yyyymmdd */
	FIELD_MONTH,        /* YYYY-MM, stored yyyymm */
	FIELD_AMOUNT,       /* yuan, stored fen */
	FIELD_TEXT,         /* at most 200 characters, no control characters */
	FIELD_ENUM,         /* one of the column's values, stored as text */
	FIELD_LEVEL,        /* integer within [min, max] */
	FIELD_OCCUPATION,   /* 6-18-01-01 */
	FIELD_REGION,       /* 6 digits, stored as an integer */
	FIELD_ACCOUNT_NO,   /* 8 to 32 digits */
	FIELD_BANK_CODE,    /* 12 digits */
	FIELD_PARAM_NAME,   /* a RULES.md section 1 parameter that a feed may change */
	FIELD_WHOLE,        /* a whole number >= 0 */
	FIELD_KIND,         /* a ledger kind */
};

struct feed_column {
	const char *name;
	enum feed_field field;
	bool key;                       /* part of the natural key (* in FEEDS.md) */
	bool optional;                  /* may be empty or absent (? in FEEDS.md) */
	const char *const *values;      /* FIELD_ENUM: NULL-terminated */
	int min, max;                   /* FIELD_LEVEL */
};

/* In a feed's SQL, ingest puts social_insurance_hot.from_month here before preparing it. */
#define FEED_HOT_FROM "{hot_from}"

struct feed_def {
	const char *name;               /* also the table name */
	int n_columns;
	struct feed_column columns[8];
	const char *insert_sql;         /* (batch_in, line, fact_key, columns in order); does nothing
					 * when a current row holds the key */
	const char *find_sql;           /* current row by fact_key: id, batch_in, line */
	const char *retire_sql;         /* batch_out = ?2 for row id ?1 */
	const char *unstore_sql;        /* deletes row id ?1, stored by batch ?2 a moment ago */
	/* The big monthly feeds (migration 0005) are WITHOUT ROWID tables clustered by their key,
	 * with neither id nor fact_key: find_sql binds the key's columns in feed order and answers
	 * batch_in as the id, retire_sql and unstore_sql bind the key's columns from ?3 on. */
	bool by_columns;
};

extern const struct feed_def feed_defs[];
extern const int feed_defs_count;

/* The feed of that name, or NULL. */
const struct feed_def *feed_find(const char *name);
/* The feed named by a file's stem: "dir/social_insurance-2026-11.csv" -> social_insurance. */
const struct feed_def *feed_from_path(const char *path);

struct ingest_options {
	const char *feed;               /* --feed, NULL to take it from the file name */
	const char *encoding;           /* "utf-8" or "gbk" */
	bool accept_partial;
	const char *rejects_path;       /* NULL: STEM.rejects.csv in the current folder */
	const char *appeal;             /* --appeal REF or NULL */
};

struct ingest_report {
	int64_t batch_id;               /* the new batch, or the batch that already holds the file */
	bool already;                   /* the same bytes were ingested before: nothing done */
	const char *feed;
	long rows_read, rows_loaded, rows_rejected;
	char rejects_path[4096];        /* set when rows were rejected with accept_partial */
};

/* Called for every bad row or header cell: `FILE:LINE: column: reason` is how cmd prints it. */
typedef void (*ingest_problem_fn)(void *ctx, const char *file, long line, const char *column,
				  const char *reason);

/* Loads one file as one batch in one transaction: all rows or none (or, with accept_partial,
 * the good rows, the bad ones going to the rejects CSV). Every problem goes to problem_fn.
 * Returns 0 when the file was loaded (or already held); -1 with err set otherwise:
 * SP_EXIT_INPUT for a refused file (nothing changed), SP_EXIT_STATE when the state forbids it. */
int ingest_file(struct store *s, const char *path, const struct ingest_options *opt,
		ingest_problem_fn problem_fn, void *ctx, struct ingest_report *ret,
		struct sp_error *err);

/* SHA-256 of a file's bytes as 64 lower-case hex digits. */
int file_sha256(const char *path, char ret_hex[static 65], struct sp_error *err);

#endif
