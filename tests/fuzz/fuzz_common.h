/* fuzz_common.h - what every fuzz target header shares: the oracle check and the scratch
 * folder. Included by tests/fuzz/fuzz_*_target.h. */
#ifndef SKILLPAY_FUZZ_COMMON_H
#define SKILLPAY_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A broken oracle aborts, so that libFuzzer saves the input. */
#define FUZZ_CHECK(cond)                                                                      \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "%s:%d: fuzz oracle failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                              \
		}                                                                             \
	} while (0)

/* Where the per-process scratch folder goes: $FUZZ_SCRATCH (scripts/fuzz sets it to a folder
 * it removes, since a crashing or stopped fuzz process never runs its atexit cleanup), else
 * /dev/shm, else /tmp. */
static inline const char *fuzz_scratch_root(void)
{
	const char *env = getenv("FUZZ_SCRATCH");

	if (env && env[0] && strlen(env) <= 40)
		return env;
	return access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
}

#endif
