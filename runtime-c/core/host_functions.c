/* Host functions a program links from C (wasmc compile --host-c): see wasmc_rt.h. */
#include "wasmc_rt.h"

/* Weak: programs without --host-c have no table. */
extern const wasmc_host_function wasmc_user_host_functions[] __attribute__((weak));

bool wasmc_user_host_resolve(const char *module, const char *name, wasmc_extern *out) {
  if (wasmc_user_host_functions == NULL)
    return false;
  for (const wasmc_host_function *entry = wasmc_user_host_functions; entry->module != NULL; entry++) {
    if (strcmp(entry->module, module) == 0 && strcmp(entry->name, name) == 0) {
      out->kind = WASMC_EXTERN_FUNC;
      out->as.func = &entry->func;
      return true;
    }
  }
  return false;
}
