/* Internal to runtime-c/core: not part of the ABI. */
#ifndef WASMC_RUNTIME_INTERNAL_H
#define WASMC_RUNTIME_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

/* Is `address` inside the guard reservation of any live memory? */
bool wasmc_guard_region_contains(uintptr_t address);
void wasmc_install_fault_handlers(void);

#endif
