/* bankreturn.c - being written. */
typedef int bankreturn_placeholder;
