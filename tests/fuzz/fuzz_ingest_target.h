/* fuzz_ingest_target.h - the real ingest_file() on a database, as one fuzz entry point.
 *
 * Shared by tests/fuzz/fuzz_ingest.c and tests/unit/test_fuzz_regressions.c. Once per
 * process a database is created in /dev/shm (store_open + store_migrate) and loaded with the
 * demo feeds of fixtures/demo when they are there (so that corrections and retractions meet
 * known keys); a copy of it is kept in memory. Each input is written to a file and ingested;
 * when the ingest committed, the database is put back from the copy (SQLite backup API), so
 * every input meets the same state. Input layout:
 *   byte 0: bit 0 = "gbk" (else "utf-8"), bit 1 = --accept-partial
 *   byte 1: the feed, feed_defs[byte % feed_defs_count] (as --feed)
 *   rest:   the file's bytes
 * Oracles (CLI.md, FEEDS.md "Rules for every feed"): a refusal is SP_EXIT_INPUT with a message,
 * leaves no new batch and no rejects file; a load has rows_read = rows_loaded + rows_rejected,
 * no rejected row without --accept-partial, no more rejected rows than problems reported (a
 * duplicate key's problem names two rows: FEEDS.md rejects both), and
 * exactly one new batch; every problem reported
 * names the file, a line >= 1, a column and a reason. A broken oracle aborts. */
#ifndef SKILLPAY_FUZZ_INGEST_TARGET_H
#define SKILLPAY_FUZZ_INGEST_TARGET_H

#include <glob.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include "skillpay/error.h"
#include "skillpay/feeds.h"
#include "skillpay/store.h"

#include "fuzz_common.h"


struct fuzz_ingest_state {
	struct store *s;
	sqlite3 *pristine;
	char dir[64];
	char db_path[128], in_path[128], rejects_path[128];
	long problems;
	long duplicates;        /* problems that are a duplicate key: each names two rows */
};

static struct fuzz_ingest_state fuzz_ingest_st;

static void fuzz_ingest_problem(void *ctx, const char *file, long line, const char *column,
				const char *reason)
{
	struct fuzz_ingest_state *st = ctx;

	FUZZ_CHECK(file && strcmp(file, st->in_path) == 0);
	FUZZ_CHECK(line >= 1);
	FUZZ_CHECK(column && column[0] != '\0');
	FUZZ_CHECK(reason && reason[0] != '\0');
	st->problems++;
	/* FEEDS.md: a duplicate key names both lines, and --accept-partial rejects both rows. */
	if (strstr(reason, "duplicate key"))
		st->duplicates++;
}

static void fuzz_ingest_cleanup(void)
{
	struct fuzz_ingest_state *st = &fuzz_ingest_st;
	char p[160];

	store_close(st->s);
	sqlite3_close(st->pristine);
	unlink(st->db_path);
	snprintf(p, sizeof(p), "%.120s-wal", st->db_path);
	unlink(p);
	snprintf(p, sizeof(p), "%.120s-shm", st->db_path);
	unlink(p);
	unlink(st->in_path);
	unlink(st->rejects_path);
	rmdir(st->dir);
}

static void fuzz_ingest_copy(sqlite3 *to, sqlite3 *from)
{
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");

	FUZZ_CHECK(b != NULL);
	FUZZ_CHECK(sqlite3_backup_step(b, -1) == SQLITE_DONE);
	FUZZ_CHECK(sqlite3_backup_finish(b) == SQLITE_OK);
}

static void fuzz_ingest_init(void)
{
	struct fuzz_ingest_state *st = &fuzz_ingest_st;
	struct sp_error err;
	glob_t g;
	int applied;

	if (st->s)
		return;
	snprintf(st->dir, sizeof(st->dir), "%.40s/skillpay-fuzz.XXXXXX", fuzz_scratch_root());
	FUZZ_CHECK(mkdtemp(st->dir) != NULL);
	snprintf(st->db_path, sizeof(st->db_path), "%.60s/t.db", st->dir);
	snprintf(st->in_path, sizeof(st->in_path), "%.60s/in.csv", st->dir);
	snprintf(st->rejects_path, sizeof(st->rejects_path), "%.60s/in.rejects.csv", st->dir);
	sp_error_clear(&err);
	FUZZ_CHECK(store_open(st->db_path, true, &st->s, &err) == 0);
	FUZZ_CHECK(store_migrate(st->s, &applied, &err) == 0);
	/* The demo feeds, when run from the repository's root; without them the state is empty. */
	if (glob("fixtures/demo/*.csv", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			struct ingest_options opt = { .encoding = "utf-8" };
			struct ingest_report rep;

			sp_error_clear(&err);
			if (ingest_file(st->s, g.gl_pathv[i], &opt, NULL, NULL, &rep, &err) < 0)
				fprintf(stderr, "fuzz_ingest: demo '%s' not loaded: %s\n", g.gl_pathv[i], err.message);
		}
		globfree(&g);
	}
	FUZZ_CHECK(sqlite3_open(":memory:", &st->pristine) == SQLITE_OK);
	fuzz_ingest_copy(st->pristine, st->s->db);
	atexit(fuzz_ingest_cleanup);
}

/* Returns 0 when the file was loaded (or already held), -1 when it was refused. */
static int fuzz_ingest_one(const uint8_t *data, size_t size)
{
	struct fuzz_ingest_state *st = &fuzz_ingest_st;
	struct ingest_options opt;
	struct ingest_report rep;
	struct sp_error err;
	int64_t before, after;
	FILE *f;
	int rc;

	if (size < 2)
		return 0;
	fuzz_ingest_init();
	memset(&opt, 0, sizeof(opt));
	opt.encoding = (data[0] & 1) ? "gbk" : "utf-8";
	opt.accept_partial = (data[0] & 2) != 0;
	opt.feed = feed_defs[data[1] % feed_defs_count].name;
	opt.rejects_path = st->rejects_path;
	f = fopen(st->in_path, "wb");
	FUZZ_CHECK(f != NULL);
	FUZZ_CHECK(fwrite(data + 2, 1, size - 2, f) == size - 2 || size == 2);
	FUZZ_CHECK(fclose(f) == 0);
	unlink(st->rejects_path);
	st->problems = st->duplicates = 0;
	sp_error_clear(&err);
	before = store_last_batch(st->s);
	rc = ingest_file(st->s, st->in_path, &opt, fuzz_ingest_problem, st, &rep, &err);
	after = store_last_batch(st->s);
	FUZZ_CHECK(sqlite3_get_autocommit(st->s->db));  /* no transaction left open */
	if (rc < 0) {
		FUZZ_CHECK(rc == -1);
		FUZZ_CHECK(err.code == SP_EXIT_INPUT);
		FUZZ_CHECK(err.message[0] != '\0');
		FUZZ_CHECK(after == before);
		FUZZ_CHECK(access(st->rejects_path, F_OK) != 0);
		return -1;
	}
	FUZZ_CHECK(err.code == 0);
	FUZZ_CHECK(strcmp(rep.feed, opt.feed) == 0);
	if (rep.already) {
		FUZZ_CHECK(after == before && rep.batch_id > 0 && rep.batch_id <= after);
		return 0;
	}
	FUZZ_CHECK(after == before + 1 && rep.batch_id == after);
	FUZZ_CHECK(rep.rows_read >= 0 && rep.rows_loaded >= 0 && rep.rows_rejected >= 0);
	FUZZ_CHECK(rep.rows_read == rep.rows_loaded + rep.rows_rejected);
	if (!opt.accept_partial)
		FUZZ_CHECK(rep.rows_rejected == 0 && st->problems == 0);
	if (rep.rows_rejected > 0)
		FUZZ_CHECK(access(st->rejects_path, F_OK) == 0);
	/* Every rejected row was reported as a problem (the preview reports, the load rejects);
	 * a duplicate key's report stands for both of its rows. */
	FUZZ_CHECK(rep.rows_rejected <= st->problems + st->duplicates);
	fuzz_ingest_copy(st->s->db, st->pristine);
	FUZZ_CHECK(store_last_batch(st->s) == before);
	return 0;
}

#endif
