/* bankfile.c - being written. */
typedef int bankfile_placeholder;
