/* SPDX-License-Identifier: MIT */
/* See journal-sigbus.h. The handler uses only async-signal-safe calls (mmap, sigaction). */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "journal/journal-sigbus.h"

static struct {
        volatile uintptr_t start, end;   /* end 0: free */
        volatile sig_atomic_t hit;
} regions[JOURNAL_SIGBUS_SLOTS];

static void on_sigbus(int sig, siginfo_t *si, void *uc) {
        (void)uc;
        uintptr_t a = (uintptr_t)si->si_addr;
        long psz = sysconf(_SC_PAGESIZE);
        for (size_t i = 0; i < JOURNAL_SIGBUS_SLOTS; i++)
                if (regions[i].end && a >= regions[i].start && a < regions[i].end) {
                        void *page = (void *)(a & ~(uintptr_t)(psz - 1));
                        if (mmap(page, (size_t)psz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) !=
                            MAP_FAILED) {
                                regions[i].hit = 1;
                                return;
                        }
                        break;
                }
        /* not a journal mapping: fault again with the default action */
        struct sigaction sa = { .sa_handler = SIG_DFL };
        sigaction(sig, &sa, NULL);
}

/* (Re)install the handler unless it is in place: something else may have set its own since. */
static void install(void) {
        struct sigaction old;
        if (sigaction(SIGBUS, NULL, &old) == 0 && (old.sa_flags & SA_SIGINFO) && old.sa_sigaction == on_sigbus)
                return;
        struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO | SA_NODEFER };
        sigemptyset(&sa.sa_mask);
        (void) sigaction(SIGBUS, &sa, NULL);
}

int journal_sigbus_register(const void *addr, size_t len) {
        install();
        for (int i = 0; i < JOURNAL_SIGBUS_SLOTS; i++)
                if (!regions[i].end) {
                        regions[i].hit = 0;
                        regions[i].start = (uintptr_t)addr;
                        regions[i].end = (uintptr_t)addr + len;
                        return i;
                }
        return -1;
}

void journal_sigbus_update(int slot, const void *addr, size_t len) {
        if (slot < 0 || slot >= JOURNAL_SIGBUS_SLOTS)
                return;
        regions[slot].end = 0;   /* never a torn range while the handler could look */
        regions[slot].start = (uintptr_t)addr;
        regions[slot].end = (uintptr_t)addr + len;
}

void journal_sigbus_unregister(int slot) {
        if (slot >= 0 && slot < JOURNAL_SIGBUS_SLOTS)
                regions[slot].end = 0;
}

bool journal_sigbus_hit(int slot) {
        return slot >= 0 && slot < JOURNAL_SIGBUS_SLOTS && regions[slot].hit;
}
