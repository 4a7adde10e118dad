/*
 * The host of callback.wat: "host" "call_back" calls a function reference back, as a Swift
 * or C host calling into wasm does, inside an exception scope and a trap frame (what
 * wasmc_instance_call does for an export). An exception that leaves the callback ends the
 * scope; the host function then hands it back (wasmc_exception_scope_hand_back) and returns
 * normally, and the wasm code that called it rethrows it. No longjmp crosses this frame:
 * `frames_live` counts the frames that are entered and not yet left.
 */
#include "wasmc_exceptions.h"

#include <stdio.h>
#include <stdlib.h>

static int frames_live, seen;

static uint32_t call_back(void *env, const wasmc_func *callback, uint32_t x) {
  (void)env;
  if (callback == NULL || !wasmc_func_type_equal(callback->type, "i>i"))
    wasmc_trap_host("call_back: not a function of type (i32) -> i32");
  frames_live++;
  int depth = frames_live;
  volatile uint32_t result = 0; /* assigned inside the TRY, read after it */
  wasmc_exception_scope scope;
  wasmc_trap_frame frame;
  wasmc_exception_scope_enter(&scope);
  bool returned =
      WASMC_TRY(frame, result = ((uint32_t(*)(void *, uint32_t))callback->code)(callback->env, x));
  wasmc_exception_scope_leave(&scope);
  if (frames_live != depth) {
    fprintf(stderr, "callback_host: a host frame was skipped\n");
    abort();
  }
  frames_live--;
  if (returned)
    return result;
  if (frame.info.kind != WASMC_TRAP_UNCAUGHT_EXCEPTION)
    wasmc_trap_host(wasmc_trap_message(frame.info.kind)); /* a trap stays a trap */
  seen++;
  wasmc_exception_scope_hand_back(&scope);
  return 0; /* never read: the caller rethrows */
}

static uint32_t exceptions_seen(void *env) {
  (void)env;
  return (uint32_t)seen;
}

const wasmc_host_function wasmc_user_host_functions[] = {
    {"host", "call_back", {"ri>i", (wasmc_code)call_back, NULL}},
    {"host", "exceptions_seen", {">i", (wasmc_code)exceptions_seen, NULL}},
    {NULL, NULL, {NULL, NULL, NULL}},
};
