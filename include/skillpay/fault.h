/* fault.h - named fault points for crash tests. SKILLPAY_FAULT=NAME makes the process die at
 * once (_exit(99), no cleanup) when it reaches the point NAME; NAME:sleep=MS makes it pause
 * there instead. Unset, a point costs a getenv. Every point is listed in tests/cli/test_trust.sh. */
#ifndef SKILLPAY_FAULT_H
#define SKILLPAY_FAULT_H

void fault_point(const char *name);

#endif
