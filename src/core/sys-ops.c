/* SPDX-License-Identifier: MIT */
/* The real system under the manager (sys-ops.h). */
#include <fcntl.h>
#include <stdio.h>
#include "base/util.h"
#include "core/event.h"
#include "core/sys-ops.h"

static int real_proc_table_read(ProcTable *ret) { return proc_table_read(NULL, ret); }

static int real_proc_info_read(pid_t pid, ProcInfo *ret) { return proc_info_read(NULL, pid, ret); }

static int real_read_children(char **ret, size_t *ret_size) {
        return read_file_bounded(AT_FDCWD, "/proc/thread-self/children", 16 * PROC_TABLE_MAX, ret, ret_size);
}

static ssize_t real_read_environ(pid_t pid, char *buf, size_t size) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return -errno;
        ssize_t n = read(fd, buf, size);
        return n < 0 ? -errno : n;
}

const SysOps sys_ops_real = {
        .spawn = exec_spawn,
        .kill = kill,
        .waitid = waitid,
        .now = now_usec,
        .proc_table_read = real_proc_table_read,
        .proc_info_read = real_proc_info_read,
        .read_children = real_read_children,
        .read_environ = real_read_environ,
};
