/* test_ioerr.c - SQLite's I/O-error loop on skillpay: a shim VFS fails the Nth write, sync or
 * truncate (and every one after it, as a full disk would), for N = 1, 2, ... until the
 * operation completes. Each failure must be a clean error, PRAGMA integrity_check must say
 * ok afterwards, and nothing half-done may be visible: the database holds either all of the
 * operation or none of it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "skillpay/feeds.h"
#include "skillpay/payrun.h"
#include "skillpay/store.h"

static sqlite3_vfs shim_vfs;
static sqlite3_vfs *real_vfs;
static long io_count, fail_at;    /* fail_at 0: never */

struct shim_file {
	sqlite3_file base;
	sqlite3_file *real;           /* the real file, allocated right after this struct */
};

static int io_step(void)
{
	io_count++;
	return fail_at && io_count >= fail_at;
}

#define REAL(f) (((struct shim_file *)(f))->real)
static int shim_close(sqlite3_file *f) { return REAL(f)->pMethods->xClose(REAL(f)); }
static int shim_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o) { return REAL(f)->pMethods->xRead(REAL(f), b, n, o); }
static int shim_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
	return io_step() ? SQLITE_IOERR_WRITE : REAL(f)->pMethods->xWrite(REAL(f), b, n, o);
}
static int shim_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return io_step() ? SQLITE_IOERR_TRUNCATE : REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int shim_sync(sqlite3_file *f, int flags)
{
	return io_step() ? SQLITE_IOERR_FSYNC : REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int shim_size(sqlite3_file *f, sqlite3_int64 *s) { return REAL(f)->pMethods->xFileSize(REAL(f), s); }
static int shim_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int shim_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int shim_reserved(sqlite3_file *f, int *r) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), r); }
static int shim_fcntl(sqlite3_file *f, int op, void *a) { return REAL(f)->pMethods->xFileControl(REAL(f), op, a); }
static int shim_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int shim_dev(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static int shim_shm_map(sqlite3_file *f, int i, int sz, int ext, void volatile **p)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), i, sz, ext, p);
}
static int shim_shm_lock(sqlite3_file *f, int o, int n, int fl) { return REAL(f)->pMethods->xShmLock(REAL(f), o, n, fl); }
static void shim_shm_barrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int shim_shm_unmap(sqlite3_file *f, int d) { return REAL(f)->pMethods->xShmUnmap(REAL(f), d); }

static const sqlite3_io_methods shim_methods = {
	2, shim_close, shim_read, shim_write, shim_truncate, shim_sync, shim_size, shim_lock,
	shim_unlock, shim_reserved, shim_fcntl, shim_sector, shim_dev, shim_shm_map, shim_shm_lock,
	shim_shm_barrier, shim_shm_unmap, NULL, NULL,
};

static int shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
	struct shim_file *sf = (struct shim_file *)f;
	int rc;

	(void)vfs;
	sf->real = (sqlite3_file *)(sf + 1);
	rc = real_vfs->xOpen(real_vfs, name, sf->real, flags, out);
	f->pMethods = rc == SQLITE_OK ? &shim_methods : NULL;
	return rc;
}

static void shim_install(void)
{
	real_vfs = sqlite3_vfs_find(NULL);
	shim_vfs = *real_vfs;
	shim_vfs.zName = "ioerr-shim";
	shim_vfs.szOsFile = (int)sizeof(struct shim_file) + real_vfs->szOsFile;
	shim_vfs.xOpen = shim_open;
	sqlite3_vfs_register(&shim_vfs, 1);
}

static char dir[64];
static char db_path[128];
#define DEMO "fixtures/demo/"

static int64_t count(const char *sql)
{
	struct store *s;
	sqlite3_stmt *st;
	int64_t v = -1;

	fail_at = 0;
	assert_int_equal(store_open(db_path, false, &s, NULL), 0);
	assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	store_close(s);
	return v;
}

static void integrity_ok(void)
{
	struct store *s;
	sqlite3_stmt *st;

	fail_at = 0;
	assert_int_equal(store_open(db_path, false, &s, NULL), 0);
	assert_int_equal(sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	store_close(s);
}

enum op { OP_INGEST, OP_RUN, OP_CLOSE };

/* Runs op once with writes failing from step fail_at on. Returns 0 when it completed. */
static int attempt(enum op op, const char *arg)
{
	struct sp_error err = { 0 };
	struct store *s;
	int rc;

	if (store_open(db_path, false, &s, &err) < 0)
		return -1;
	if (op == OP_INGEST) {
		struct ingest_options opt = { .encoding = "utf-8" };
		struct ingest_report rep;

		rc = ingest_file(s, arg, &opt, NULL, NULL, &rep, &err);
	} else if (op == OP_RUN) {
		struct payrun_summary sum;

		rc = payrun_run(s, 202609, false, NULL, NULL, &sum, &err);
	} else {
		struct payrun_close_result res;

		rc = payrun_close(s, 202609, "test", &res, &err);
	}
	if (rc < 0)
		assert_true(err.code != 0 && err.message[0] != '\0');  /* a clean error */
	store_close(s);
	return rc;
}

/* The loop: for N = 1, 2, ... fail at N; check all-or-nothing with `probe` each time. */
static void loop(enum op op, const char *arg, const char *probe)
{
	int64_t before = count(probe), after;
	long n;

	for (n = 1; n < 100000; n++) {
		int rc;

		io_count = 0;
		fail_at = n;
		rc = attempt(op, arg);
		fail_at = 0;
		integrity_ok();
		after = count(probe);
		if (rc == 0) {
			assert_true(after != before);
			break;
		}
		assert_true(after == before);  /* nothing half-done is visible */
	}
	assert_true(n > 1);                    /* the loop did fail at least once */
}

static void test_ioerr_loop(void **state)
{
	(void)state;
	/* ingest, then run and close over the demo county, each under the failing VFS. */
	const char *files[] = { DEMO "persons.csv", DEMO "employers.csv", DEMO "employment.csv",
				DEMO "certificates.csv", DEMO "titles.csv", DEMO "social_insurance.csv",
				DEMO "enterprise_allowance.csv", DEMO "bank_accounts.csv" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		loop(OP_INGEST, files[i], "SELECT count(*) FROM batches");
	loop(OP_RUN, NULL, "SELECT count(*) FROM runs");
	loop(OP_CLOSE, NULL, "SELECT count(*) FROM ledger");
	assert_true(count("SELECT count(*) FROM payments") > 0);
	assert_int_equal(count("SELECT count(*) FROM closes"), 1);
}

static int setup(void **state)
{
	struct store *s;
	int applied;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/skillpay-ioerr-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(db_path, sizeof(db_path), "%s/db", dir);
	shim_install();
	if (store_open(db_path, true, &s, NULL) < 0 || store_migrate(s, &applied, NULL) < 0)
		return -1;
	store_close(s);
	return 0;
}

static int teardown(void **state)
{
	char cmd[160];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ioerr_loop),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
