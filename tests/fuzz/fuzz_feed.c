/* fuzz_feed.c - libFuzzer harness: CSV reader (UTF-8 and GBK) and the field validators of one
 * feed (tests/fuzz/fuzz_feed_target.h says how the input is laid out). */
#include "fuzz_feed_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_feed_one(data, size);
	return 0;
}
