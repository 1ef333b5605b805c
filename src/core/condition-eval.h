/* SPDX-License-Identifier: MIT */
#pragma once
/* Evaluation of Condition*= and Assert*= (systemd.unit(5) "Conditions and Asserts") with systemd
 * 252's semantics, checked against `systemd-analyze condition` of 252.
 *
 * Files of the OS tree (the Path* parameters, /etc, /usr, /var, /run, /.dockerenv, the user and
 * group databases) are looked up below ctx->root; kernel interfaces (/proc, /sys) and the
 * credentials directory named by $CREDENTIALS_DIRECTORY are always the live ones. Symbolic links
 * inside ctx->root are followed as the kernel does, i.e. not confined to the root.
 *
 * Simplifications, on purpose (see condition-eval.c for each):
 * - ConditionKernelVersion= / ConditionOSRelease= / smbios-field() compare versions with
 *   systemd's strverscmp_improved() rules, implemented here in full.
 * - ConditionMemoryPressure= & co. compare the system-wide /proc/pressure averages; the
 *   "SLICE:LIMIT" form is validated and then counts as true (tinysd keeps no per-slice cgroups),
 *   as does a kernel without PSI, exactly as 252 does when it cannot find the file.
 * - ConditionCPUFeature= reads the "flags" line of /proc/cpuinfo (x86 only, as systemd) instead of
 *   CPUID; ConditionPathIsEncrypted= is always false (no dm-crypt in a container);
 *   ConditionSecurity= looks at the cheap kernel markers only; virtualization detection knows
 *   containers by $container, /run/host/container-manager, /run/systemd/container,
 *   /run/.containerenv and /.dockerenv, and VMs by DMI vendor strings and the cpuinfo
 *   "hypervisor" flag ("vm-other"). */
#include <stdbool.h>
#include "unit/unit.h"

typedef struct ConditionContext {
        const char *root;             /* NULL = "/"; prefix for the OS tree's files (tests) */
        char *const *environ;         /* the manager's environment (NULL = empty), for
                                       * ConditionEnvironment= and $CREDENTIALS_DIRECTORY */
        const char *virtualization;   /* "docker", "podman", "container-other", "kvm", "none", ... or
                                       * NULL = detect (see above); "none" if nothing is found */
        bool first_boot;              /* for ConditionFirstBoot=; systemd.condition-first-boot= on
                                       * the command line overrides it, as in 252 */
        const char *proc_cmdline;     /* the kernel command line (in a container: PID 1's argv,
                                       * quoted); NULL: read /proc/cmdline */
} ConditionContext;

/* One condition: 1 holds, 0 does not (negation applied), or a negative errno when it cannot be
 * evaluated (bad parameter, unreadable kernel interface): that counts as failed whatever the '!',
 * as in 252. c or ctx NULL are allowed (NULL c: -EINVAL; NULL ctx: all defaults). */
int condition_test(const Condition *c, const ConditionContext *ctx);

/* A unit's list (newest first, as the loader keeps it): true when every non-trigger condition
 * holds and, if there are trigger ('|') conditions, at least one of those. An empty list is true.
 * Evaluated in file order (the list reversed); 252 walks its list newest first instead, which
 * changes only which failure is reported. An error counts as failed and is logged at debug level.
 * *ret_failed (may be NULL): the first failing non-trigger condition, else the first trigger
 * condition when none of them held, else NULL. */
bool condition_list_test(const Condition *first, const ConditionContext *ctx, const Condition **ret_failed);

/* "ConditionPathExists=|!/foo" / "AssertUser=root": the full setting name with the '|' and '!'
 * prefixes, as `systemctl status` prints a failed one. assert selects the Assert* name. Newly
 * allocated; NULL on ENOMEM or for a NULL c or an invalid type. */
char *condition_describe(const Condition *c, bool assert);
