/* bare_csv.c - the libcsv ceiling: parse a file with empty callbacks.
 *
 *   bare_csv FILE      prints "fields records" on stdout
 *
 * Reads FILE in 256 KiB blocks into csv_parse (default options, comma,
 * double quote) with callbacks that only count. What gapscan does beyond this (UTF-8 check, positions, events,
 * profiling) is the difference between the two rows of bench/run.sh's
 * table. Not a test: the counts are printed so the parse cannot be skipped. */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>

static void on_field(void *s, size_t len, void *data)
{
    (void)s;
    (void)len;
    ++*(unsigned long *)data;
}

static void on_record(int c, void *data)
{
    (void)c;
    ++((unsigned long *)data)[1];
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bare_csv FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    struct csv_parser p;
    if (!f || csv_init(&p, 0) != 0) {
        perror(argv[1]);
        return 1;
    }
    static char buf[256 * 1024];
    unsigned long counts[2] = {0, 0};
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        csv_parse(&p, buf, n, on_field, on_record, counts);
    csv_fini(&p, on_field, on_record, counts);
    csv_free(&p);
    fclose(f);
    printf("%lu fields %lu records\n", counts[0], counts[1]);
    return 0;
}
