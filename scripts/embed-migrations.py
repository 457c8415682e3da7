#!/usr/bin/env python3
"""Writes migrations/NNNN_name.sql as C arrays for src/store/db.c (a build step only).

The SQL goes in as byte arrays, not string literals: ISO C limits a literal to 4095 bytes."""
import os
import sys

out, inputs = sys.argv[1], sorted(sys.argv[2:], key=os.path.basename)
with open(out, "w", encoding="utf-8") as f:
    f.write("/* generated from migrations/ by scripts/embed-migrations.py: do not edit */\n")
    f.write('#include "skillpay/store.h"\n\n')
    for i, path in enumerate(inputs):
        data = open(path, "rb").read() + b"\0"
        f.write("static const unsigned char sql_%d[] = {\n" % i)
        for k in range(0, len(data), 16):
            f.write("\t" + ", ".join("0x%02x" % b for b in data[k:k + 16]) + ",\n")
        f.write("};\n")
    f.write("\nconst struct store_migration store_migrations[] = {\n")
    for i, path in enumerate(inputs):
        name = os.path.basename(path)
        f.write('\t{ %d, "%s", (const char *)sql_%d },\n' % (int(name.split("_", 1)[0]), name, i))
    f.write("};\n")
    f.write("const int store_migrations_count = %d;\n" % len(inputs))
