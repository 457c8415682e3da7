/* db.c - open, migrate, lock (include/skillpay/store.h). */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "skillpay/store.h"

int store_fail(struct store *s, const char *what, struct sp_error *err)
{
	int rc = sqlite3_extended_errcode(s->db);
	int code = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED ? SP_EXIT_STATE
									   : SP_EXIT_INTERNAL;

	return sp_error_set(err, code, "%s: %s", what, sqlite3_errmsg(s->db));
}

int store_exec(struct store *s, const char *sql, struct sp_error *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, "database", err);
	return 0;
}

int store_prepare(struct store *s, const char *sql, sqlite3_stmt **ret, struct sp_error *err)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, ret, NULL) != SQLITE_OK)
		return store_fail(s, "database", err);
	return 0;
}

const char *store_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? (const char *)t : "";
}

static int64_t query_int(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = 0;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int64_t store_last_batch(struct store *s)
{
	return query_int(s, "SELECT coalesce(max(batch_id), 0) FROM batches");
}

int32_t store_last_closed(struct store *s)
{
	return (int32_t)query_int(s, "SELECT coalesce(max(run_month), 0) FROM closes");
}

static bool initialised(struct store *s)
{
	return query_int(s, "SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'") > 0;
}

int store_open(const char *path, bool create, struct store **ret, struct sp_error *err)
{
	struct store *s;
	struct stat sb;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;  /* one thread per connection */

	if (stat(path, &sb) != 0) {
		if (!create)
			return sp_error_set(err, SP_EXIT_STATE,
					    "database '%s' does not exist (run 'skillpay init')", path);
		/* Create the file 0600 ourselves: SQLite would follow the umask. */
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0)
			return sp_error_set(err, SP_EXIT_STATE, "cannot create database '%s': %s", path,
					    strerror(errno));
		close(fd);
		flags |= SQLITE_OPEN_CREATE;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return sp_error_set(err, SP_EXIT_INTERNAL, "out of memory");
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		sp_error_set(err, SP_EXIT_STATE, "cannot open database '%s': %s", path,
			     s->db ? sqlite3_errmsg(s->db) : "out of memory");
		store_close(s);
		return -1;
	}
	sqlite3_extended_result_codes(s->db, 1);
	/* A 64 MB page cache: a large ingest spills to the WAL mid-transaction without it. */
	if (store_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
			  " PRAGMA cache_size=-65536;", err) < 0 ||
	    (!create && !initialised(s))) {
		if (!err || !err->code)
			sp_error_set(err, SP_EXIT_STATE,
				     "database '%s' was never initialised (run 'skillpay init')", path);
		store_close(s);
		return -1;
	}
	*ret = s;
	return 0;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	sqlite3_close_v2(s->db);
	free(s);
}

int store_begin(struct store *s, struct sp_error *err)
{
	assert(s && s->db);
	sqlite3_busy_timeout(s->db, s->busy_wait_seconds * 1000);
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		int rc = sqlite3_errcode(s->db);

		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			return sp_error_set(err, SP_EXIT_STATE,
					    "another skillpay command holds the database (use --wait SECONDS to wait)");
		return store_fail(s, "begin", err);
	}
	return 0;
}

int store_commit(struct store *s, struct sp_error *err)
{
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		store_fail(s, "commit", err);
		store_rollback(s);
		return -1;
	}
	return 0;
}

void store_rollback(struct store *s)
{
	if (s && s->db && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* SKILLPAY_NOW (seconds since the epoch) fixes the clock, as SOURCE_DATE_EPOCH does for
 * reproducible builds: crash tests compare runs byte for byte, close times included. */
void store_now_utc(char buf[static 24])
{
	const char *fixed = getenv("SKILLPAY_NOW");
	time_t t = fixed && *fixed ? (time_t)strtoll(fixed, NULL, 10) : time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int migration_applied(struct store *s, int version, bool *ret, struct sp_error *err)
{
	sqlite3_stmt *st;

	if (store_prepare(s, "SELECT 1 FROM schema_migrations WHERE version = ?1", &st, err) < 0)
		return -1;
	sqlite3_bind_int(st, 1, version);
	*ret = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return 0;
}

static int migration_apply(struct store *s, const struct store_migration *m, struct sp_error *err)
{
	sqlite3_stmt *st;
	char now[24];

	if (store_begin(s, err) < 0)
		return -1;
	if (sqlite3_exec(s->db, m->sql, NULL, NULL, NULL) != SQLITE_OK) {
		sp_error_set(err, SP_EXIT_INTERNAL, "migration '%s': %s", m->name, sqlite3_errmsg(s->db));
		store_rollback(s);
		return -1;
	}
	store_now_utc(now);
	if (store_prepare(s, "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?1, ?2, ?3)",
			  &st, err) < 0) {
		store_rollback(s);
		return -1;
	}
	sqlite3_bind_int(st, 1, m->version);
	sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		store_fail(s, "migration", err);
		store_rollback(s);
		return -1;
	}
	sqlite3_finalize(st);
	return store_commit(s, err);
}

int store_migrate(struct store *s, int *ret_applied, struct sp_error *err)
{
	int applied = 0;
	int64_t newest;

	/* schema_migrations records every applied version; it is the one table no migration makes. */
	if (store_exec(s, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			  " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)", err) < 0)
		return -1;
	newest = query_int(s, "SELECT coalesce(max(version), 0) FROM schema_migrations");
	if (store_migrations_count > 0 && newest > store_migrations[store_migrations_count - 1].version)
		return sp_error_set(err, SP_EXIT_STATE,
				    "database has schema version %lld, newer than this program knows (%d)",
				    (long long)newest, store_migrations[store_migrations_count - 1].version);
	for (int i = 0; i < store_migrations_count; i++) {
		bool done;

		if (migration_applied(s, store_migrations[i].version, &done, err) < 0)
			return -1;
		if (done)
			continue;
		if (migration_apply(s, &store_migrations[i], err) < 0)
			return -1;
		applied++;
	}
	*ret_applied = applied;
	return 0;
}
