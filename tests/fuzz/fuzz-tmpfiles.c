/* SPDX-License-Identifier: MIT */
/* libFuzzer target: a tmpfiles.d(5) file, line by line through tmpfiles_parse_line() as
 * tmpfiles_read_config() feeds it (nothing is applied), then the arrays put in order. Never crash,
 * leak or trip UBSan; every line in time linear in its length, however many lines name a path. */
#include <stdint.h>
#include <stdlib.h>
#include "base/hashmap.h"
#include "base/log.h"
#include "base/util.h"
#include "tmpfiles/item.h"

static void free_arrays(Hashmap *h) {
        size_t k = 0;
        void *v;
        while (hashmap_iterate(h, &k, NULL, &v)) item_array_free(v);
        hashmap_free(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        log_set_max_level(-1);
        char *text = strndup((const char *)data, size);   /* up to the first NUL, as a file read */
        if (!text) return 0;
        TmpfilesContext ctx = { .root = "/nonexistent-fuzz-root", .boot = size > 0 && data[0] & 1,
                                .items = hashmap_new(), .globs = hashmap_new() };
        unsigned line = 0;
        for (char *p = text; ctx.items && ctx.globs && *p;) {
                size_t n = strcspn(p, "\r\n");
                char *next = p + n;
                if (*next) *next++ = 0;
                line++;
                char *l = strstrip(p);
                p = next;
                if (*l && *l != '#') (void)tmpfiles_parse_line(&ctx, "fuzz.conf", line, l);
        }
        if (ctx.items && ctx.globs) tmpfiles_sort_items(&ctx);
        free_arrays(ctx.items);
        free_arrays(ctx.globs);
        free(text);
        return 0;
}
