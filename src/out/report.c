/* report.c - being written. */
typedef int report_placeholder;
