/* batches.c - the batches table: one row per ingested file or bank return (store.h). */
#include <assert.h>
#include "skillpay/store.h"

int store_batch_find(struct store *s, const char *sha256, int64_t *ret_batch, struct sp_error *err)
{
	sqlite3_stmt *st;

	*ret_batch = 0;
	if (store_prepare(s, "SELECT batch_id FROM batches WHERE sha256 = ?1 AND feed <> 'seed'", &st, err) < 0)
		return -1;
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		*ret_batch = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

int store_batch_open(struct store *s, const struct store_batch *b, int64_t *ret_batch, struct sp_error *err)
{
	sqlite3_stmt *st;
	char now[24];
	int rc;

	assert(b->feed && b->file_name && b->sha256 && b->encoding);
	assert(b->rows_read == b->rows_loaded + b->rows_rejected);
	store_now_utc(now);
	if (store_prepare(s, "INSERT INTO batches(feed, file_name, sha256, rows_read, rows_loaded, rows_rejected,"
			     " appeal, encoding, ingested_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &st, err) < 0)
		return -1;
	sqlite3_bind_text(st, 1, b->feed, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, b->file_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, b->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, b->rows_read);
	sqlite3_bind_int64(st, 5, b->rows_loaded);
	sqlite3_bind_int64(st, 6, b->rows_rejected);
	if (b->appeal)
		sqlite3_bind_text(st, 7, b->appeal, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, b->encoding, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, "batches", err);
	*ret_batch = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_batch_counts(struct store *s, int64_t batch, long read, long loaded, long rejected,
		       struct sp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	assert(read == loaded + rejected);
	if (store_prepare(s, "UPDATE batches SET rows_read = ?2, rows_loaded = ?3, rows_rejected = ?4"
			     " WHERE batch_id = ?1", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, batch);
	sqlite3_bind_int64(st, 2, read);
	sqlite3_bind_int64(st, 3, loaded);
	sqlite3_bind_int64(st, 4, rejected);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_fail(s, "batches", err);
}

int store_batch_begin(struct store *s, const char *sha256, int64_t *ret_existing, struct sp_error *err)
{
	if (store_begin(s, err) < 0)
		return -1;
	if (store_batch_find(s, sha256, ret_existing, err) < 0) {
		store_rollback(s);
		return -1;
	}
	/* The same bytes again change nothing (FEEDS.md, CLI.md): no transaction is left open. */
	if (*ret_existing)
		store_rollback(s);
	return 0;
}
