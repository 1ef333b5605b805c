/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "exec/capability.h"

/* The kernel's ABI (linux/capability.h): version 3 takes two 32-bit words per set. */
#define CAP_VERSION_3 0x20080522u
typedef struct CapHeader {
        uint32_t version;
        int pid;
} CapHeader;
typedef struct CapData {
        uint32_t effective, permitted, inheritable;
} CapData;

static uint64_t join(uint32_t lo, uint32_t hi) {
        return (uint64_t)hi << 32 | lo;
}

int capability_get_self(CapSets *ret) {
        CapHeader h = { .version = CAP_VERSION_3, .pid = 0 };
        CapData d[2] = {{0}};
        if (syscall(SYS_capget, &h, d) < 0) return -errno;
        *ret = (CapSets){
                .effective = join(d[0].effective, d[1].effective),
                .permitted = join(d[0].permitted, d[1].permitted),
                .inheritable = join(d[0].inheritable, d[1].inheritable),
        };
        return 0;
}

int capability_set_self(const CapSets *s) {
        CapHeader h = { .version = CAP_VERSION_3, .pid = 0 };
        CapData d[2];
        for (int i = 0; i < 2; i++)
                d[i] = (CapData){
                        .effective = (uint32_t)(s->effective >> (32 * i)),
                        .permitted = (uint32_t)(s->permitted >> (32 * i)),
                        .inheritable = (uint32_t)(s->inheritable >> (32 * i)),
                };
        return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

bool capability_have_effective(int cap) {
        CapSets s;
        return cap >= 0 && cap < 64 && capability_get_self(&s) >= 0 && (s.effective & CAP_MASK(cap));
}

int capability_bounding_get(uint64_t *ret) {
        uint64_t set = 0;
        for (int cap = 0; cap < 64; cap++) {
                int r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
                if (r < 0) {
                        if (errno == EINVAL && cap > 0) break;   /* past the kernel's last capability */
                        return -errno;
                }
                if (r) set |= CAP_MASK(cap);
        }
        *ret = set;
        return 0;
}

int capability_bounding_drop(uint64_t keep) {
        for (int cap = 0; cap < 64; cap++) {
                if (keep & CAP_MASK(cap)) continue;
                if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) >= 0) continue;
                int error = errno;
                if (error == EINVAL) break;   /* past the kernel's last capability */
                if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 0) return -error;
        }
        /* and from the inheritable set, so that nothing exec'd later regains them */
        CapSets s;
        int r = capability_get_self(&s);
        if (r < 0) return r;
        if (!(s.inheritable & ~keep)) return 0;
        s.inheritable &= keep;
        return capability_set_self(&s);
}

bool capability_ambient_supported(void) {
        /* Linux < 4.3 answers EINVAL; any other answer means it knows PR_CAP_AMBIENT */
        return prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_SETUID, 0, 0) >= 0 ||
               (errno != EINVAL && errno != EOPNOTSUPP && errno != ENOSYS);
}

int capability_ambient_apply(uint64_t set, bool also_inherit) {
        if (also_inherit && set) {
                CapSets s;
                int r = capability_get_self(&s);
                if (r < 0) return r;
                if ((s.inheritable | set) != s.inheritable) {
                        s.inheritable |= set;
                        if ((r = capability_set_self(&s)) < 0) return r;
                }
        }
        /* nothing the manager had in its own ambient set is passed on unasked */
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) return -errno;
        for (int cap = 0; cap < 64; cap++)
                if ((set & CAP_MASK(cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) return -errno;
        return 0;
}

int capability_gain_effective(int cap) {
        CapSets s;
        int r = capability_get_self(&s);
        if (r < 0) return r;
        if (s.effective & CAP_MASK(cap)) return 0;
        s.effective |= CAP_MASK(cap);
        return capability_set_self(&s);
}

int securebits_apply(int bits) {
        int cur = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
        if (cur < 0) return -errno;
        if (cur == bits) return 0;   /* PR_SET_SECUREBITS is privileged even when it changes nothing */
        /* After a switch to a non-root user the effective set is empty; with keep-caps the
         * permitted set still has CAP_SETPCAP. If it does not, the prctl() below says so. */
        (void)capability_gain_effective(CAP_SETPCAP);
        return prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) < 0 ? -errno : 0;
}

uint64_t capability_ambient_plan(uint64_t want, uint64_t unit_bounding, uint64_t manager_bounding,
                                 uint64_t manager_permitted, uint64_t *ret_missing) {
        uint64_t allowed = want & unit_bounding;
        uint64_t have = manager_bounding & manager_permitted;
        if (ret_missing) *ret_missing = allowed & ~have;
        return allowed & have;
}
