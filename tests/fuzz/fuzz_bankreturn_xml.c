/* fuzz_bankreturn_xml.c - libFuzzer harness: the pain.002 reader of bank returns,
 * bankreturn_parse() (tests/fuzz/fuzz_bankreturn_target.h says how).
 *
 * bankreturn.c parses pain.002.001.10.xsd for every file (some 30 ms): right for a command
 * that reads one file, a hundredfold slowdown for a fuzzer. scripts/fuzz links this harness
 * with -Wl,--wrap=xmlSchemaParse,--wrap=xmlSchemaFree (tests/fuzz/fuzz_bankreturn_xml.ldflags),
 * so the schema is parsed once and kept: a parsed schema is read-only during validation, and
 * every file still gets its own validation context, so what is checked does not change. */
#include <libxml/xmlschemas.h>
#include "fuzz_bankreturn_target.h"

xmlSchemaPtr __real_xmlSchemaParse(xmlSchemaParserCtxtPtr ctxt);
void __real_xmlSchemaFree(xmlSchemaPtr schema);
xmlSchemaPtr __wrap_xmlSchemaParse(xmlSchemaParserCtxtPtr ctxt);
void __wrap_xmlSchemaFree(xmlSchemaPtr schema);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static xmlSchemaPtr kept_schema;

xmlSchemaPtr __wrap_xmlSchemaParse(xmlSchemaParserCtxtPtr ctxt)
{
	if (!kept_schema)
		kept_schema = __real_xmlSchemaParse(ctxt);
	return kept_schema;
}

void __wrap_xmlSchemaFree(xmlSchemaPtr schema)
{
	if (schema != kept_schema)
		__real_xmlSchemaFree(schema);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_bankreturn_one(data, size, true);
	return 0;
}
