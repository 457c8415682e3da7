/* retire.c - R6, the statutory retirement age (RULES.md section 6). */
#include <assert.h>
#include "skillpay/calendar.h"
#include "skillpay/rules.h"

struct retire_row {
	int base_years;        /* the age before the 2025 reform */
	sp_month start_month;  /* the first birth month with a delay */
	int months_per_step;   /* k months of birth add one month of delay */
	int cap_months;        /* the largest delay */
};

/* R6: the reform table (全国人大常委会关于实施渐进式延迟法定退休年龄的决定). */
static struct retire_row retire_row(enum sp_retire_group group)
{
	switch (group) {
	case RETIRE_M60:
		return (struct retire_row){ 60, 1965 * 12 + 0, 4, 36 };
	case RETIRE_F55:
		return (struct retire_row){ 55, 1970 * 12 + 0, 4, 36 };
	case RETIRE_F50:
		return (struct retire_row){ 50, 1975 * 12 + 0, 2, 60 };
	}
	assert(!"unknown retire group");
	return (struct retire_row){ 60, 1965 * 12 + 0, 4, 36 };
}

/* R6: add_months(birth, 12 * base + delay), where for a birth month b >= the start month
 * the delay is floor(k / step) + 1 months (k = whole months from the start month to b),
 * capped. An unknown birth day (SP_DAY_NONE) gives SP_DAY_NONE: never retired by age. */
sp_day rules_statutory_date(sp_day birth, enum sp_retire_group group)
{
	struct retire_row row = retire_row(group);
	sp_month b;
	int delay = 0;

	if (birth == SP_DAY_NONE)
		return SP_DAY_NONE;
	b = month_of_day(birth);
	if (b >= row.start_month) {
		int32_t k = b - row.start_month;

		assert(k >= 0);
		delay = (int)(k / row.months_per_step) + 1;
		if (delay > row.cap_months)
			delay = row.cap_months;
	}
	assert(delay >= 0 && delay <= row.cap_months);
	return day_add_months(birth, 12 * row.base_years + delay);
}
