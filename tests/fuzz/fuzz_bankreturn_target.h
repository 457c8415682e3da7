/* fuzz_bankreturn_target.h - bankreturn_parse() on one file, as a fuzz entry point for the
 * CSV (`end_to_end_id,status,reason_code`) and the pain.002.001.10 readers.
 *
 * Shared by tests/fuzz/fuzz_bankreturn_csv.c, tests/fuzz/fuzz_bankreturn_xml.c and
 * tests/unit/test_fuzz_regressions.c. The input is the file's bytes, written to a file in
 * /dev/shm (bankreturn_parse reads a path). The reader tells the format by the content; an
 * input of the other format than the harness wants is skipped (returns 0 untried), so each
 * harness stays on its parser. The XSD is found once per process by bankreturn_xsd_dir()
 * ($SKILLPAY_XSD_DIR, or ../shared/xsd from the repository's root).
 * Oracles (CLI.md "Bank returns"): a refusal is SP_EXIT_INPUT with a message, and leaves no
 * entries or a list to release; an accepted file reported no problem and its entries have an
 * EndToEndId/reference of 1 to 35 characters, a reason code of at most 4 upper-case letters or
 * digits, a reason whenever rejected, a non-negative amount, a CSV line >= 2; every problem
 * names the file and has a subject and a reason. A broken oracle aborts. */
#ifndef SKILLPAY_FUZZ_BANKRETURN_TARGET_H
#define SKILLPAY_FUZZ_BANKRETURN_TARGET_H

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "skillpay/bankreturn.h"
#include "skillpay/error.h"

#include "fuzz_common.h"


struct fuzz_bankreturn_state {
	char dir[64];
	char path[128];
	char xsd_dir[4096];
	bool ready;
	long problems;
};

static struct fuzz_bankreturn_state fuzz_bankreturn_st;

static void fuzz_bankreturn_cleanup(void)
{
	unlink(fuzz_bankreturn_st.path);
	rmdir(fuzz_bankreturn_st.dir);
}

static void fuzz_bankreturn_init(void)
{
	struct fuzz_bankreturn_state *st = &fuzz_bankreturn_st;
	struct sp_error err;

	if (st->ready)
		return;
	snprintf(st->dir, sizeof(st->dir), "%.40s/skillpay-fuzz.XXXXXX", fuzz_scratch_root());
	FUZZ_CHECK(mkdtemp(st->dir) != NULL);
	snprintf(st->path, sizeof(st->path), "%.60s/return", st->dir);
	sp_error_clear(&err);
	if (bankreturn_xsd_dir(st->xsd_dir, &err) < 0) {
		fprintf(stderr, "fuzz_bankreturn: %s (set SKILLPAY_XSD_DIR)\n", err.message);
		abort();
	}
	st->ready = true;
	atexit(fuzz_bankreturn_cleanup);
}

static void fuzz_bankreturn_problem(void *ctx, const char *file, long line, const char *subject,
				    const char *reason)
{
	struct fuzz_bankreturn_state *st = ctx;

	FUZZ_CHECK(file && strcmp(file, st->path) == 0);
	FUZZ_CHECK(line >= 0);
	FUZZ_CHECK(subject && subject[0] != '\0');
	FUZZ_CHECK(reason && reason[0] != '\0');
	st->problems++;
}

/* CLI.md: XML starts with '<' (after a BOM and white space). */
static bool fuzz_bankreturn_is_xml(const uint8_t *data, size_t size)
{
	size_t i = 0;

	if (size >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF)
		i = 3;
	while (i < size && i < 256 && isspace(data[i]))
		i++;
	return i < size && i < 256 && data[i] == '<';
}

static void fuzz_bankreturn_check_entry(const struct bankreturn *r, const struct bankreturn_entry *e)
{
	size_t n = strnlen(e->ref, sizeof(e->ref));
	size_t rn = strnlen(e->reason_code, sizeof(e->reason_code));

	FUZZ_CHECK(e->scope == BANKRETURN_ONE || e->scope == BANKRETURN_MESSAGE || e->scope == BANKRETURN_PMTINF);
	FUZZ_CHECK(n >= 1 && n <= SP_END_TO_END_MAX);
	FUZZ_CHECK(rn <= BANKRETURN_REASON_MAX);
	for (size_t i = 0; i < rn; i++)
		FUZZ_CHECK(isupper((unsigned char)e->reason_code[i]) || isdigit((unsigned char)e->reason_code[i]));
	FUZZ_CHECK(e->status == BANKRETURN_PENDING || e->status == BANKRETURN_SETTLED ||
		   e->status == BANKRETURN_REJECTED);
	if (e->status == BANKRETURN_REJECTED)
		FUZZ_CHECK(rn >= 1);
	if (e->has_amount)
		FUZZ_CHECK(e->amount_fen >= 0);
	if (r->format == BANKRETURN_CSV) {
		FUZZ_CHECK(e->scope == BANKRETURN_ONE && !e->has_amount);
		FUZZ_CHECK(e->status != BANKRETURN_PENDING);
		FUZZ_CHECK(e->line >= 2);
	}
}

/* Returns 0 when the file was accepted (or skipped), -1 when it was refused. */
static int fuzz_bankreturn_one(const uint8_t *data, size_t size, bool want_xml)
{
	struct fuzz_bankreturn_state *st = &fuzz_bankreturn_st;
	struct bankreturn r;
	struct sp_error err;
	FILE *f;
	int rc;

	if (fuzz_bankreturn_is_xml(data, size) != want_xml)
		return 0;
	fuzz_bankreturn_init();
	f = fopen(st->path, "wb");
	FUZZ_CHECK(f != NULL);
	FUZZ_CHECK(size == 0 || fwrite(data, 1, size, f) == size);
	FUZZ_CHECK(fclose(f) == 0);
	st->problems = 0;
	sp_error_clear(&err);
	memset(&r, 0xA5, sizeof(r));  /* bankreturn_parse must set every field */
	rc = bankreturn_parse(st->path, st->xsd_dir, fuzz_bankreturn_problem, st, &r, &err);
	FUZZ_CHECK(r.format == (want_xml ? BANKRETURN_PAIN002 : BANKRETURN_CSV));
	if (rc < 0) {
		FUZZ_CHECK(rc == -1);
		FUZZ_CHECK(err.code == SP_EXIT_INPUT);
		FUZZ_CHECK(err.message[0] != '\0');
	} else {
		FUZZ_CHECK(rc == 0 && err.code == 0 && st->problems == 0);
		FUZZ_CHECK(r.n >= 0 && r.n <= r.cap && r.n <= BANKRETURN_ENTRIES_MAX);
		FUZZ_CHECK(r.n == 0 || r.entries != NULL);
		for (long i = 0; i < r.n; i++)
			fuzz_bankreturn_check_entry(&r, &r.entries[i]);
	}
	bankreturn_release(&r);
	FUZZ_CHECK(r.n == 0 && r.entries == NULL);
	return rc;
}

#endif
