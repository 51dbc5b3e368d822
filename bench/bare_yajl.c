/* bare_yajl.c - the yajl ceiling: parse JSON (Lines) with empty callbacks.
 *
 *   bare_yajl FILE     prints "scalars" on stdout
 *
 * One yajl handle with yajl_allow_multiple_values (so JSON Lines parse as
 * a stream of values), fed 256 KiB blocks; the callbacks only count
 * scalars. gapscan's JSON Lines parser does this plus paths, positions and
 * events, and the profiler does the rest. Not a test: the count is printed
 * so the parse cannot be skipped. */
#include <stdio.h>
#include <yajl/yajl_parse.h>

static int on_null(void *c) { ++*(unsigned long *)c; return 1; }
static int on_bool(void *c, int b) { (void)b; return on_null(c); }
static int on_number(void *c, const char *s, size_t n)
{
    (void)s;
    (void)n;
    return on_null(c);
}
static int on_string(void *c, const unsigned char *s, size_t n)
{
    (void)s;
    (void)n;
    return on_null(c);
}
static int on_key(void *c, const unsigned char *s, size_t n)
{
    (void)c;
    (void)s;
    (void)n;
    return 1;
}
static int on_mark(void *c) { (void)c; return 1; }

static const yajl_callbacks callbacks = {
    on_null, on_bool, NULL, NULL, on_number, on_string,
    on_mark, on_key, on_mark, on_mark, on_mark,
};

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bare_yajl FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    unsigned long scalars = 0;
    yajl_handle h = yajl_alloc(&callbacks, NULL, &scalars);
    yajl_config(h, yajl_allow_multiple_values, 1);
    static unsigned char buf[256 * 1024];
    size_t n;
    int bad = 0;
    while (!bad && (n = fread(buf, 1, sizeof buf, f)) > 0)
        bad = yajl_parse(h, buf, n) != yajl_status_ok;
    if (!bad)
        bad = yajl_complete_parse(h) != yajl_status_ok;
    yajl_free(h);
    fclose(f);
    printf("%lu scalars%s\n", scalars, bad ? " (parse error)" : "");
    return bad;
}
