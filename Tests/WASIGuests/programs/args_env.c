/*
 * Arguments and environment: args_sizes_get/args_get and
 * environ_sizes_get/environ_get agree with each other and carry exactly
 * what the command line gave (spaces, empty strings and UTF-8 intact, no
 * host environment leaking in).
 *
 * run: --env GREETING=hello --env EMPTY= --env WITH_EQUALS=a=b=c --env UTF8=héllo -- alpha "two words" "" "naïve ✓" --not-a-flag
 * exit: 0
 * wasmc-run: yes
 */
#include <stdlib.h>

#include "guest.h"

static int compare_strings(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
  __wasi_size_t count = 0, size = 0;
  show("args_sizes_get", __wasi_args_sizes_get(&count, &size));
  say("argc", "%d", (int)count);
  check("argc matches libc", (int)count == argc, "args_sizes_get and main disagree");
  char *buffer = malloc(size);
  char **args = malloc((count + 1) * sizeof *args);
  show("args_get", __wasi_args_get((uint8_t **)args, (uint8_t *)buffer));
  size_t total = 0;
  for (__wasi_size_t i = 0; i < count; i++)
    total += strlen(args[i]) + 1;
  check("args size is sum of lengths", total == size, "args_buf_size differs from the strings' total");
  check("argv[0] is non-empty", count > 0 && args[0][0] != '\0', "argv[0] empty");
  for (__wasi_size_t i = 1; i < count; i++) {
    char key[32];
    snprintf(key, sizeof key, "argv[%u]", (unsigned)i);
    say(key, "[%s] (%zu bytes)%s", args[i], strlen(args[i]),
        strcmp(args[i], argv[i]) == 0 ? "" : " FAIL (libc's argv differs)");
  }

  show("environ_sizes_get", __wasi_environ_sizes_get(&count, &size));
  say("environ count", "%u", (unsigned)count);
  char *env_buffer = malloc(size);
  char **env = malloc((count + 1) * sizeof *env);
  show("environ_get", __wasi_environ_get((uint8_t **)env, (uint8_t *)env_buffer));
  total = 0;
  for (__wasi_size_t i = 0; i < count; i++)
    total += strlen(env[i]) + 1;
  check("environ size is sum of lengths", total == size, "environ_buf_size differs from the strings' total");
  qsort(env, count, sizeof *env, compare_strings);
  for (__wasi_size_t i = 0; i < count; i++) {
    char key[32];
    snprintf(key, sizeof key, "env[%u]", (unsigned)i);
    say(key, "[%s]", env[i]);
  }

  const char *greeting = getenv("GREETING");
  say("getenv GREETING", "%s", greeting ? greeting : "(unset)");
  const char *path = getenv("PATH");
  check("host PATH not inherited", path == NULL, "PATH leaked from the host");
  return 0;
}
