/* SPDX-License-Identifier: MIT */
#pragma once
/* The unit file text of a standard target or slice, or NULL (for Loader.builtin). */
const char *builtin_unit_text(const char *name);
