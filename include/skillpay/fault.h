/* fault.h - named fault points for crash tests. SKILLPAY_FAULT=NAME makes the process die at
 * once (_exit(99), no cleanup) when it reaches the point NAME; unset, a point costs a getenv. */
#ifndef SKILLPAY_FAULT_H
#define SKILLPAY_FAULT_H

void fault_point(const char *name);

#endif
