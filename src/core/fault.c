/* fault.c - named fault points (include/skillpay/fault.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "skillpay/fault.h"

/* SKILLPAY_FAULT=NAME dies at point NAME; SKILLPAY_FAULT=NAME:sleep=MS sleeps there instead,
 * holding whatever the command holds (the writer lock), for the two-process tests. */
void fault_point(const char *name)
{
	static const char *want;
	static int looked;
	size_t n;

	/* Read once: some points sit on a per-row path. */
	if (!looked) {
		want = getenv("SKILLPAY_FAULT");
		looked = 1;
	}
	n = strlen(name);
	if (!want || strncmp(want, name, n) != 0)
		return;
	if (want[n] == '\0')
		_exit(99);
	if (strncmp(want + n, ":sleep=", 7) == 0) {
		long ms = strtol(want + n + 7, NULL, 10);
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
}
