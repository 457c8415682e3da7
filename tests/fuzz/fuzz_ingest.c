/* fuzz_ingest.c - libFuzzer harness: ingest_file() on a real database, every feed, UTF-8 and
 * GBK, strict and --accept-partial (tests/fuzz/fuzz_ingest_target.h says how). */
#include "fuzz_ingest_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_ingest_one(data, size);
	return 0;
}
