/* fault.c - named fault points (include/skillpay/fault.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "skillpay/fault.h"

void fault_point(const char *name)
{
	const char *want = getenv("SKILLPAY_FAULT");

	if (want && strcmp(want, name) == 0)
		_exit(99);
}
