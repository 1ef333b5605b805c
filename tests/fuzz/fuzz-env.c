/* SPDX-License-Identifier: MIT */
/* libFuzzer target: an EnvironmentFile= (env_file_parse()), then the command line after the first
 * NUL (words separated by newlines) expanded with it as exec does ($X, ${X}, $$), and
 * UnsetEnvironment= of its first names. Never crash, leak or trip UBSan; time linear in the input. */
#include <stdint.h>
#include <stdlib.h>
#include "base/log.h"
#include "base/strv.h"
#include "base/util.h"
#include "exec/env.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        log_set_max_level(-1);
        const char *nul = memchr(data, 0, size);
        size_t file_len = nul ? (size_t)(nul - (const char *)data) : size;
        char *file = strndup((const char *)data, file_len);
        char *cmd = nul ? strndup(nul + 1, size - file_len - 1) : strdup("");
        char **env = NULL, **argv = NULL, **out = NULL;
        if (!file || !cmd) goto out;
        if (env_file_parse(file, &env) < 0) goto out;
        StrvBuilder b = {0};
        char *save = NULL;
        for (char *w = strtok_r(cmd, "\n", &save); w; w = strtok_r(NULL, "\n", &save))
                if (strv_builder_extend(&b, w) < 0) break;
        argv = strv_builder_steal(&b);
        if (argv && env_expand_argv(argv, env, &out) >= 0) {
                /* the expansion never exceeds what execve() takes */
                size_t total = 0;
                STRV_FOREACH(a, out) total += strlen(*a) + 1 + sizeof(char *);
                if (total > 6u * 1024u * 1024u) abort();
        }
        char *unset[3] = { NULL };
        for (size_t i = 0; env && env[i] && i < 2; i++) unset[i] = env[i];
        char **copy = strv_copy(env);
        if (copy) env_unset_all(copy, unset);
        strv_free(copy);
out:
        strv_free(out);
        strv_free(argv);
        strv_free(env);
        free(cmd);
        free(file);
        return 0;
}
