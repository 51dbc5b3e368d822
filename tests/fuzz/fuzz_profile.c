/* fuzz_profile.c - the profile loader on any file.
 *
 * The whole input is a profile file. gs_profile_load reads a path, so the
 * bytes go to a memory file (memfd) named through /proc/self/fd: nothing
 * touches the disk and nothing in the library changes for the fuzzer.
 *
 * Checked, beyond sanitizer errors (profile.h's contract):
 *   1. a failed load returns a status with a message and no profile;
 *   2. whatever loads saves, the saved text loads again, and saving that
 *      gives the same bytes (load and save are inverse on their output).
 */
#include "fuzz.h"

#include "gapscan/profile.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static char mem_path[64];

/* Load size bytes of text as a profile file. */
static gs_status load(const void *text, size_t size, gs_profile **out,
                      gs_error *err)
{
    static int fd = -1;
    if (fd < 0) {
        fd = memfd_create("fuzz_profile", 0);
        FUZZ_CHECK(fd >= 0, "memfd_create works");
        snprintf(mem_path, sizeof mem_path, "/proc/self/fd/%d", fd);
    }
    FUZZ_CHECK(ftruncate(fd, 0) == 0 &&
                   pwrite(fd, text, size, 0) == (ssize_t)size,
               "the memory file takes the input");
    return gs_profile_load(mem_path, out, err);
}

/* The saved text of p (malloc'd) and its length. */
static char *save(const gs_profile *p, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    FUZZ_CHECK(f != NULL, "open_memstream works");
    gs_error err = {0};
    gs_status st = gs_profile_save(p, f, &err);
    fclose(f);
    FUZZ_CHECK(st == GS_OK || st == GS_ENOMEM, "a loaded profile saves");
    if (st != GS_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gs_error err = {0};
    gs_profile *p = NULL;
    gs_status st = load(data, size, &p, &err);
    if (st != GS_OK) {
        FUZZ_CHECK(p == NULL, "no profile on failure");
        FUZZ_CHECK(err.status == st && err.message[0] != '\0',
                   "a failed load says why");
        return 0;
    }
    FUZZ_CHECK(p != NULL, "a profile on success");
    size_t len1 = 0, len2 = 0;
    char *text1 = save(p, &len1);
    gs_profile_free(p);
    if (!text1)
        return 0;
    gs_profile *q = NULL;
    gs_error err2 = {0};
    st = load(text1, len1, &q, &err2);
    if (st != GS_OK)
        fprintf(stderr, "reload: %s\n", err2.message);
    FUZZ_CHECK(st == GS_OK, "a saved profile loads again");
    char *text2 = save(q, &len2);
    gs_profile_free(q);
    if (text2 && (len1 != len2 || memcmp(text1, text2, len1) != 0)) {
        fprintf(stderr, "--- saved\n%s--- saved again\n%s", text1, text2);
        FUZZ_CHECK(0, "load(save(x)) saves the same bytes");
    }
    free(text1);
    free(text2);
    return 0;
}
