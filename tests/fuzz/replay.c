/* replay.c - run a fuzz target over saved inputs, without libFuzzer.
 *
 *   replay_<target> FILE_OR_DIR...
 *
 * Feeds every regular file named (directories: their entries, sorted) to
 * the target's LLVMFuzzerTestOneInput once. A broken invariant aborts, a
 * sanitizer error fails when the build is sanitized; otherwise the exit
 * status is 0 and the number of inputs is printed. Exit 1 when no input
 * was found at all, so a replay test cannot pass by reading nothing.
 */
#include "fuzz.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 4096, n = 0, got;
    unsigned char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *nb = realloc(buf, cap *= 2);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    fclose(f);
    if (!buf) {
        fputs("replay: out of memory\n", stderr);
        return -1;
    }
    fprintf(stderr, "replay %s (%zu bytes)\n", path, n);
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 1;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int replay(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        perror(path);
        return -1;
    }
    if (!S_ISDIR(sb.st_mode))
        return replay_file(path);
    struct dirent **ents;
    int n = scandir(path, &ents, NULL, by_name), count = 0;
    if (n < 0) {
        perror(path);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        if (ents[i]->d_name[0] != '.' && count >= 0) {
            char sub[4096];
            snprintf(sub, sizeof sub, "%s/%s", path, ents[i]->d_name);
            int k = replay(sub);
            count = k < 0 ? -1 : count + k;
        }
        free(ents[i]);
    }
    free(ents);
    return count;
}

int main(int argc, char **argv)
{
    int total = 0;
    for (int i = 1; i < argc; i++) {
        int k = replay(argv[i]);
        if (k < 0)
            return 1;
        total += k;
    }
    printf("replayed %d inputs\n", total);
    return total > 0 ? 0 : 1;
}
