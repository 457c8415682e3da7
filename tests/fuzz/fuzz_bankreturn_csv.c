/* fuzz_bankreturn_csv.c - libFuzzer harness: the CSV reader of bank returns, bankreturn_parse()
 * (tests/fuzz/fuzz_bankreturn_target.h says how). */
#include "fuzz_bankreturn_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_bankreturn_one(data, size, false);
	return 0;
}
