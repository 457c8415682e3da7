/* store.h - the SQLite database of one county: open, migrations, the writer lock, transactions.
 * The schema is documented in migrations/; this module only opens and guards it. */
#ifndef SKILLPAY_STORE_H
#define SKILLPAY_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include "skillpay/error.h"

struct store_migration {
	int version;
	const char *name;
	const char *sql;
};

/* Generated from migrations/NNNN_name.sql at build time, in version order. */
extern const struct store_migration store_migrations[];
extern const int store_migrations_count;

/* Long work reports how far it got (done of total, total -1 when unknown); cmd shows a
 * progress bar with it when stderr is a terminal. NULL: nobody is told. */
typedef void (*store_progress_fn)(void *ctx, const char *what, long done, long total);

struct store {
	sqlite3 *db;
	int busy_wait_seconds;   /* --wait: how long to wait for another writer; 0 refuses at once */
	store_progress_fn progress;
	void *progress_ctx;
};

/* Opens the database at path. With create, makes it (mode 0600) when missing; without, a
 * missing or never initialised database is SP_EXIT_STATE. On success *ret is the store (free
 * it with store_close); on failure *ret is unchanged and err is set. */
int store_open(const char *path, bool create, struct store **ret, struct sp_error *err);
void store_close(struct store *s);   /* accepts NULL */

/* Applies the migrations not yet applied, each in its own transaction. A database whose
 * newest applied version is unknown to this program is SP_EXIT_STATE. *ret_applied counts. */
int store_migrate(struct store *s, int *ret_applied, struct sp_error *err);

/* BEGIN IMMEDIATE: takes the single writer lock. Another writer holding it is SP_EXIT_STATE
 * ("another skillpay command holds ..."), after busy_wait_seconds. */
int store_begin(struct store *s, struct sp_error *err);
int store_commit(struct store *s, struct sp_error *err);
void store_rollback(struct store *s);  /* safe when no transaction is open */

int store_exec(struct store *s, const char *sql, struct sp_error *err);
/* Prepares a statement; failure is SP_EXIT_INTERNAL with SQLite's message. */
int store_prepare(struct store *s, const char *sql, sqlite3_stmt **ret, struct sp_error *err);
/* Sets err from the connection's last SQLite error and returns -1. */
int store_fail(struct store *s, const char *what, struct sp_error *err);

/* The newest batch id (ingests and bank returns); 0 when only the seed exists. */
int64_t store_last_batch(struct store *s);
/* The last closed month as yyyymm, or 0 when no month is closed. */
int32_t store_last_closed(struct store *s);

/* Called by close inside its transaction: moves the recent social-insurance rows into the big
 * range when they span six months (src/store/fold.c). */
int store_fold(struct store *s, int32_t closed_month, struct sp_error *err);

/* A row of the batches table: an ingested file or a bank return (migrations/0001_facts.sql). */
struct store_batch {
	const char *feed;         /* feed name or 'bank_return' */
	const char *file_name;
	const char *sha256;       /* 64 hex digits of the file's bytes */
	const char *appeal;       /* NULL when not an appeal */
	const char *encoding;
	long rows_read, rows_loaded, rows_rejected;   /* read = loaded + rejected */
};

/* The batch that already holds a file with these bytes, or *ret_batch = 0. */
int store_batch_find(struct store *s, const char *sha256, int64_t *ret_batch, struct sp_error *err);
/* Takes the writer lock (store_begin) for loading a file with these bytes. When a batch
 * already holds them, *ret_existing is its id and the transaction is rolled back already;
 * otherwise *ret_existing is 0 and the transaction is open. Returns 0 or -1 (no transaction). */
int store_batch_begin(struct store *s, const char *sha256, int64_t *ret_existing, struct sp_error *err);
/* Inserts b (inside the caller's transaction) and returns its id. */
int store_batch_open(struct store *s, const struct store_batch *b, int64_t *ret_batch, struct sp_error *err);
/* Sets a batch's final counts (read = loaded + rejected). */
int store_batch_counts(struct store *s, int64_t batch, long read, long loaded, long rejected,
		       struct sp_error *err);

/* Text of a column, never NULL ("" for SQL NULL). */
const char *store_text(sqlite3_stmt *st, int col);

/* Now in UTC as "YYYY-MM-DDTHH:MM:SSZ" (for ingested_at and closed_at only). */
void store_now_utc(char buf[static 24]);

#endif
