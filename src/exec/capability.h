/* SPDX-License-Identifier: MIT */
#pragma once
/* Process capabilities through the raw system calls: no libcap, and no <linux/capability.h>
 * (musl's headers lack it), so the capget()/capset() structures are defined here. The sets of the
 * calling process, the bounding set, the ambient set and securebits (capabilities(7)), and the
 * ambient set a service can be given (systemd.exec(5), AmbientCapabilities=).
 *
 * Every function but capability_ambient_plan() is a thin system call wrapper that neither
 * allocates nor logs, so a forked child may call it before execve(). */
#include <stdbool.h>
#include <stdint.h>

/* capability numbers (capabilities(7)) */
#ifndef CAP_SETGID
#define CAP_SETGID 6
#endif
#ifndef CAP_SETUID
#define CAP_SETUID 7
#endif
#ifndef CAP_SETPCAP
#define CAP_SETPCAP 8
#endif
#define CAP_MASK(cap) (UINT64_C(1) << (cap))

/* securebits (linux/securebits.h): SecureBits= stores bit numbers in this order */
#define SECBIT_KEEP_CAPS_MASK (1 << 4)

typedef struct CapSets {
        uint64_t effective, permitted, inheritable;
} CapSets;

/* capget()/capset() of the calling thread. */
int capability_get_self(CapSets *ret);
int capability_set_self(const CapSets *s);
/* Whether CAP is in the effective set (what a system call made now may use). */
bool capability_have_effective(int cap);

/* The bounding set, as a mask of the capabilities the kernel knows. */
int capability_bounding_get(uint64_t *ret);
/* Drop from the bounding set (needs CAP_SETPCAP) and from the inheritable set everything not in
 * KEEP; a capability that is already gone is no error. */
int capability_bounding_drop(uint64_t keep);

/* Whether the kernel has ambient capabilities (Linux 4.3, PR_CAP_AMBIENT). */
bool capability_ambient_supported(void);
/* Make SET the ambient set: clear it, optionally first add SET to the inheritable set, then
 * raise each capability (each must be permitted and inheritable by then). */
int capability_ambient_apply(uint64_t set, bool also_inherit);

/* Add CAP to the effective set (it must be permitted). */
int capability_gain_effective(int cap);
/* Set the securebits to exactly BITS (needs CAP_SETPCAP, gained here when permitted). */
int securebits_apply(int bits);

/* The ambient set a service gets: WANT minus what its CapabilityBoundingSet= (UNIT_BOUNDING)
 * excludes -- dropped silently, as systemd does -- and minus what the manager itself has not
 * (outside MANAGER_BOUNDING or MANAGER_PERMITTED: it cannot hand them on). *ret_missing (may be
 * NULL) gets the latter, the part of the configuration this manager cannot apply. */
uint64_t capability_ambient_plan(uint64_t want, uint64_t unit_bounding, uint64_t manager_bounding,
                                 uint64_t manager_permitted, uint64_t *ret_missing);
