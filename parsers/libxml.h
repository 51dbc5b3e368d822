/* libxml.h - libxml2's process-wide set-up, shared by xml.c and html.c.
 *
 * gs__libxml_setup() must be called by every parser that uses libxml2,
 * before it creates a context, on the thread that will parse:
 *   once per process (pthread_once): xmlInitParser; an external-entity
 *   loader that refuses everything (no file, no URL is ever opened for an
 *   entity or a DTD); catalogs off; libxml2's generic error printer
 *   silenced for threads created later;
 *   on each call: the generic error printer silenced for this thread (the
 *   parsers collect errors through their own structured handlers).
 * Internal to parsers/: not a public header.
 */
#ifndef GAPSCAN_PARSERS_LIBXML_H
#define GAPSCAN_PARSERS_LIBXML_H

void gs__libxml_setup(void);

#endif
