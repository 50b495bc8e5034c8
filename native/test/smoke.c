// smoke.c — a native smoke test of libjpeglm through jpeglm.h's C API only, for builds no JVM can run here
// (linux-aarch64 under qemu-user; scripts/arm64-check builds it for x86-64 and aarch64 and compares the two).
//
//   smoke MODEL BOS [N]   loads MODEL, feeds the token BOS, takes N (default 8) greedy tokens and prints
//                         "device: ...", "system: ..." and "tokens: t1 ... tN" on stdout; ggml's and llama.cpp's
//                         log at INFO (which CPU variant was loaded) goes to stderr.
// Exit status 0 on success; otherwise 1 with jpeglm_last_error() on stderr.
#include "jpeglm.h"

#include <stdio.h>
#include <stdlib.h>

static int fail(const char * what) {
    fprintf(stderr, "smoke: %s failed: %s\n", what, jpeglm_last_error());
    return 1;
}

static int parse_int(const char * text, const char * name, int32_t min, int32_t max, int32_t * out) {
    char *     end   = NULL;
    const long value = strtol(text, &end, 10);
    if (end == text || *end != '\0' || value < min || value > max) {
        fprintf(stderr, "smoke: %s must be an integer in %d..%d, not '%s'\n", name, min, max, text);
        return 1;
    }
    *out = (int32_t) value;
    return 0;
}

// Prints the first device (the CPU) and the features of the CPU backend ggml picked.
static int print_backend(void) {
    char     name[64];
    char     description[256];
    int32_t  type       = 0;
    uint64_t free_bytes = 0, total_bytes = 0;
    if (jpeglm_device_info(0, name, sizeof name, description, sizeof description, &type, &free_bytes, &total_bytes) !=
        JPEGLM_OK) {
        return fail("jpeglm_device_info");
    }
    printf("device: %s (%s)\n", name, description);
    printf("system: %s\n", jpeglm_system_info());
    return 0;
}

// Feeds bos to a one-sequence session and prints n greedy tokens.
static int generate(jpeglm_model * model, int32_t bos, int32_t n) {
    jpeglm_session * session = NULL;
    if (jpeglm_session_create(model, 64, 1, 0, 1, 0, &session) != JPEGLM_OK) {
        return fail("jpeglm_session_create");
    }
    const int32_t seq = 0;
    int           rc  = 0;
    if (jpeglm_session_set_sampler(session, seq, 0.0f, 0, 1.0f, 0.0f, 0) != JPEGLM_OK) {
        rc = fail("jpeglm_session_set_sampler");
    } else if (jpeglm_session_decode(session, 1, &seq, &bos) != JPEGLM_OK) {
        rc = fail("jpeglm_session_decode");
    } else {
        printf("tokens:");
        for (int32_t i = 0; i < n && rc == 0; i++) {
            int32_t token = -1;
            if (jpeglm_session_step(session, 1, &seq, &token) != JPEGLM_OK) {
                rc = fail("jpeglm_session_step");
            } else {
                printf(" %d", token);
            }
        }
        printf("\n");
    }
    jpeglm_session_free(session);
    return rc;
}

int main(int argc, char ** argv) {
    int32_t bos = 0, n = 8;
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: smoke MODEL BOS [N]\n");
        return 2;
    }
    if (parse_int(argv[2], "BOS", 0, INT32_MAX, &bos) != 0 || (argc == 4 && parse_int(argv[3], "N", 1, 60, &n) != 0)) {
        return 2;
    }
    jpeglm_log_set(NULL, JPEGLM_LOG_INFO, NULL);
    if (jpeglm_backend_init() != JPEGLM_OK) {
        return fail("jpeglm_backend_init");
    }
    if (print_backend() != 0) {
        return 1;
    }
    jpeglm_model * model = NULL;
    if (jpeglm_model_load(argv[1], 0, JPEGLM_MODEL_NO_MMAP, &model) != JPEGLM_OK) {
        return fail("jpeglm_model_load");
    }
    const int rc = generate(model, bos, n);
    jpeglm_model_free(model);
    return rc;
}
