/* test_fuzz_regressions.c - replays the fuzzers' inputs through the very entry points the
 * libFuzzer harnesses use (tests/fuzz/fuzz_*_target.h): every crash input saved in
 * tests/fuzz/regressions/HARNESS-<sha1> and every seed in tests/fuzz/corpus/HARNESS/. Each must
 * end in a clean success or a clean refusal (SP_EXIT_INPUT with a message); the targets' own
 * oracles abort otherwise, and a sanitizer build reports any memory error or undefined
 * behaviour. Run from the repository's root (meson's workdir), as the fuzzers are. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "../fuzz/fuzz_feed_target.h"
#include "../fuzz/fuzz_ingest_target.h"
#include "../fuzz/fuzz_bankreturn_target.h"

#define REGRESSIONS_DIR "tests/fuzz/regressions"
#define CORPUS_DIR "tests/fuzz/corpus"
#define INPUT_MAX (1 << 20)

static int replay_feed(const uint8_t *d, size_t n) { return fuzz_feed_one(d, n); }
static int replay_ingest(const uint8_t *d, size_t n) { return fuzz_ingest_one(d, n); }
static int replay_return_csv(const uint8_t *d, size_t n) { return fuzz_bankreturn_one(d, n, false); }
static int replay_return_xml(const uint8_t *d, size_t n) { return fuzz_bankreturn_one(d, n, true); }

static const struct harness {
	const char *name;
	int (*run)(const uint8_t *data, size_t size);
} harnesses[] = {
	{ "fuzz_feed", replay_feed },
	{ "fuzz_ingest", replay_ingest },
	{ "fuzz_bankreturn_csv", replay_return_csv },
	{ "fuzz_bankreturn_xml", replay_return_xml },
};

/* The harness a regression file belongs to: the longest name that is followed by '-'. */
static const struct harness *harness_of(const char *file)
{
	const struct harness *best = NULL;

	for (size_t i = 0; i < sizeof(harnesses) / sizeof(harnesses[0]); i++) {
		size_t n = strlen(harnesses[i].name);

		if (strncmp(file, harnesses[i].name, n) == 0 && file[n] == '-' &&
		    (!best || n > strlen(best->name)))
			best = &harnesses[i];
	}
	return best;
}

/* Reads the whole file into a heap buffer of exactly its size, so ASan sees any over-read. */
static uint8_t *slurp(const char *path, size_t *ret_size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0 && n <= INPUT_MAX);
	rewind(f);
	buf = malloc(n > 0 ? (size_t)n : 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*ret_size = (size_t)n;
	return buf;
}

static int replay_file(const struct harness *h, const char *path)
{
	size_t size;
	uint8_t *data = slurp(path, &size);
	int rc = h->run(data, size);

	free(data);
	if (rc != 0 && rc != -1)
		fail_msg("%s: %s returned %d, expected 0 or -1", path, h->name, rc);
	return rc;
}

/* Every file of tests/fuzz/regressions names its harness and replays cleanly. */
static void test_regressions(void **state)
{
	DIR *dir = opendir(REGRESSIONS_DIR);
	struct dirent *de;
	int n = 0;

	(void)state;
	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL) {
		char path[512];
		const struct harness *h;

		if (de->d_name[0] == '.' || strcmp(de->d_name, "README.md") == 0)
			continue;
		h = harness_of(de->d_name);
		if (!h)
			fail_msg("%s/%s: the name does not start with a harness name and '-'", REGRESSIONS_DIR,
				 de->d_name);
		snprintf(path, sizeof(path), "%s/%s", REGRESSIONS_DIR, de->d_name);
		print_message("replay %s\n", path);
		replay_file(h, path);
		n++;
	}
	closedir(dir);
	print_message("%d regression inputs replayed\n", n);
}

/* The seeds of one harness, all replayed; counted by outcome and by the name's prefix:
 * "demo-" seeds come from fixtures/demo, "bad-" ones from tests/cli/bad or are hand-made bad
 * files, "ok-" ones are hand-made good files. */
struct corpus_count {
	int n, demo, demo_accepted, bad, bad_refused, ok, ok_accepted;
};

static struct corpus_count replay_corpus(const struct harness *h)
{
	struct corpus_count c = { 0 };
	char dirpath[256];
	DIR *dir;
	struct dirent *de;

	snprintf(dirpath, sizeof(dirpath), "%s/%s", CORPUS_DIR, h->name);
	dir = opendir(dirpath);
	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL) {
		char path[512];
		int rc;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dirpath, de->d_name);
		rc = replay_file(h, path);
		c.n++;
		if (strncmp(de->d_name, "demo-", 5) == 0) {
			c.demo++;
			c.demo_accepted += rc == 0;
		} else if (strncmp(de->d_name, "ok-", 3) == 0) {
			c.ok++;
			c.ok_accepted += rc == 0;
		} else if (strncmp(de->d_name, "bad-", 4) == 0) {
			c.bad++;
			c.bad_refused += rc != 0;
		}
	}
	closedir(dir);
	return c;
}

static void test_corpus_feed(void **state)
{
	struct corpus_count c = replay_corpus(&harnesses[0]);

	(void)state;
	assert_true(c.demo >= 30 && c.bad >= 50);
	assert_int_equal(c.demo_accepted, c.demo);
	/* The parser alone refuses only the malformed CSV (51-unterminated-quote, in UTF-8 and
	 * GBK); every other bad file is bad in its fields, which field_check refuses per field. */
	assert_int_equal(c.bad_refused, 2);
}

static void test_corpus_ingest(void **state)
{
	struct corpus_count c = replay_corpus(&harnesses[1]);

	(void)state;
	assert_true(c.demo >= 30 && c.bad >= 50);
	/* Each demo file loads (over the demo database: a correction); each bad one is refused. */
	assert_int_equal(c.demo_accepted, c.demo);
	assert_int_equal(c.bad_refused, c.bad);
}

static void test_corpus_bankreturn(void **state)
{
	struct corpus_count csv = replay_corpus(&harnesses[2]);
	struct corpus_count xml = replay_corpus(&harnesses[3]);

	(void)state;
	/* Every seed is demo-, ok- or bad-: fixtures/demo/returns, hand-made good, hand-made bad. */
	assert_int_equal(csv.demo + csv.ok + csv.bad, csv.n);
	assert_int_equal(xml.demo + xml.ok + xml.bad, xml.n);
	assert_true(csv.ok >= 2 && csv.bad >= 4 && xml.ok >= 2 && xml.bad >= 5);
	assert_int_equal(csv.demo_accepted, 1);
	assert_int_equal(xml.demo_accepted, 1);
	assert_int_equal(csv.ok_accepted, csv.ok);
	assert_int_equal(xml.ok_accepted, xml.ok);
	assert_int_equal(csv.bad_refused, csv.bad);
	assert_int_equal(xml.bad_refused, xml.bad);
}

/* The entry points themselves: a known-good and a known-bad input of each. */
static void test_entry_points(void **state)
{
	static const char feed_ok[] = "\x00\x00person_id,name,retire_group,retired_on\n"
				      "11010519491231002X,Zhang San,F55,\n";
	static const char feed_bad[] = "\x00\x00person_id,name,retire_group,retired_on\n"
				       "11010519491231002Y,Zhang San,F55,\n";
	static const char csv_ok[] = "end_to_end_id,status,reason_code\nSP20260900000001,settled,\n";
	static const char csv_bad[] = "end_to_end_id,status,reason_code\nSP20260900000001,rejected,\n";

	(void)state;
	assert_int_equal(fuzz_feed_one((const uint8_t *)feed_ok, sizeof(feed_ok) - 1), 0);
	/* The parser reads a file with a bad identity to the end; field_check refuses the field. */
	assert_int_equal(fuzz_feed_one((const uint8_t *)feed_bad, sizeof(feed_bad) - 1), 0);
	assert_int_equal(fuzz_ingest_one((const uint8_t *)feed_ok, sizeof(feed_ok) - 1), 0);
	assert_int_equal(fuzz_ingest_one((const uint8_t *)feed_bad, sizeof(feed_bad) - 1), -1);
	assert_int_equal(fuzz_bankreturn_one((const uint8_t *)csv_ok, sizeof(csv_ok) - 1, false), 0);
	assert_int_equal(fuzz_bankreturn_one((const uint8_t *)csv_bad, sizeof(csv_bad) - 1, false), -1);
	assert_int_equal(fuzz_bankreturn_one((const uint8_t *)"<Document>", 10, true), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_points),
		cmocka_unit_test(test_regressions),
		cmocka_unit_test(test_corpus_feed),
		cmocka_unit_test(test_corpus_ingest),
		cmocka_unit_test(test_corpus_bankreturn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
