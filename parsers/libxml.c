/* libxml.c - libxml2's process-wide set-up (see libxml.h). */
#include "libxml.h"

#include <libxml/catalog.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <pthread.h>

static xmlParserInputPtr refuse_entity(const char *url, const char *id,
                                       xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

static void ignore_generic(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void setup_once(void)
{
    xmlInitParser();
    xmlSetExternalEntityLoader(refuse_entity);
    xmlCatalogSetDefaults(XML_CATA_ALLOW_NONE);
    xmlThrDefSetGenericErrorFunc(NULL, ignore_generic);
}

void gs__libxml_setup(void)
{
    pthread_once(&once, setup_once);
    xmlSetGenericErrorFunc(NULL, ignore_generic);
}
