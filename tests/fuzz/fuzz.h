/* fuzz.h - what every gapscan fuzz target shares.
 *
 * A target is one LLVMFuzzerTestOneInput over one entry point of the
 * library. It is linked two ways (tests/fuzz/meson.build, tests/meson.build):
 *   - with libFuzzer (clang -fsanitize=fuzzer) to search for crashes;
 *   - with replay.c (any compiler) to replay the regression inputs under
 *     tests/data/fuzz/<target>/ in the normal test suite.
 * Besides sanitizer errors, a target checks the entry point's documented
 * invariants itself (FUZZ_CHECK); a broken one aborts with a message, which
 * libFuzzer records as a crash like any other.
 */
#ifndef GAPSCAN_FUZZ_H
#define GAPSCAN_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond, what)                                              \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__,      \
                    __LINE__, what);                                        \
            abort();                                                        \
        }                                                                   \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
