/*
 * wasmc_exceptions.h: exception handling (WebAssembly 3.0) in the C runtime.
 *
 * What generated code calls for `throw`, `throw_ref`, `try_table` and the
 * legacy `try`/`catch`/`catch_all`/`rethrow`/`delegate`, and what a host calls
 * at the boundary where wasm code calls host code that calls back into wasm.
 * docs/exceptions-and-tail-calls.md gives the scheme and the C each
 * instruction becomes; this header is its runtime half.
 *
 * In short:
 *   - A tag is a `wasmc_tag` object; its address is its identity. A module
 *     that defines a tag keeps it in its instance (each instantiation makes a
 *     new one, as the spec requires); one that imports it holds a pointer to
 *     the exporter's object, so the same tag is the same pointer everywhere.
 *   - An exception is a `wasmc_exception`: its tag and a payload laid out by
 *     the tag's type. `exnref` is `wasmc_exception *` (NULL is ref.null exn).
 *   - A `try_table` (or legacy `try`) is a `wasmc_handler` on a per-thread
 *     chain, entered with sigsetjmp; a throw siglongjmps to the innermost
 *     handler, which tests its catch clauses in order and rethrows to the
 *     next handler when none matches. Code outside any try costs nothing.
 *   - Traps are not exceptions: they unwind to the trap frames of wasmc_rt.h
 *     (WASMC_TRY), past every handler.
 *   - Every entry from host code into wasm code is a `wasmc_exception_scope`:
 *     a throw that no handler of the scope catches ends the scope as a trap
 *     whose detail names the tag, and the scope keeps the exception so a host
 *     can hand it back to the wasm code that called it
 *     (wasmc_exception_set_pending), which rethrows it after the host
 *     function returned (WASMC_EXCEPTION_CHECK). No longjmp ever crosses a
 *     host frame.
 *   - Exceptions are freed by the runtime: at once when caught by a clause
 *     that does not keep a reference (catch, catch_all), otherwise by a
 *     collection that scans the thread's stack conservatively and treats
 *     globals, tables and host references as pins; everything not pinned is
 *     freed when the thread's outermost scope ends.
 *
 * Exceptions and handlers belong to one thread. An exnref shared with another
 * thread through a global or table stays valid while it is pinned there; see
 * the design note for what is not covered.
 */
#ifndef WASMC_EXCEPTIONS_H
#define WASMC_EXCEPTIONS_H

#include "wasmc_rt.h"

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Host-facing functions (scopes, pins, reports) are WASMC_API; the rest is
 * for generated code only and hidden with the rest of the runtime.
 */
#ifndef WASMC_API
#define WASMC_API __attribute__((visibility("default")))
#endif

/* ------------------------------------------------------------------------ */
/* Tags                                                                     */
/* ------------------------------------------------------------------------ */

/*
 * A tag. `type` is its parameter list in the letters of wasmc_valtype
 * (i j f d r e), plus 'x' for exnref and 'v' for v128: "ij" is (param i32
 * i64). `name` is for reports only: what a person needs to find the tag
 * (`"env" "e"` for an imported or exported tag, `module tag 3` otherwise).
 * wasmc_tag_init computes the payload layout; generated code may instead
 * initialise the fields with the same values as constants.
 */
typedef struct wasmc_tag {
  const char *type;
  const char *name;
  uint32_t payload_size; /* bytes: see wasmc_tag_offset */
} wasmc_tag;

/* Sets a tag's fields. `type` and `name` must outlive the tag. */
void wasmc_tag_init(wasmc_tag *tag, const char *type, const char *name);

/*
 * The payload layout, in one place: value i of the tag's type lies at
 * wasmc_tag_offset(type, i); v128 values take 16 bytes aligned to 16, every
 * other value 8 bytes (an i32 or f32 in the low 4, as its C type). The
 * emitter computes the same offsets at compile time.
 */
static inline uint32_t wasmc_tag_slot_size(char letter) { return letter == 'v' ? 16 : 8; }
static inline uint32_t wasmc_tag_offset(const char *type, uint32_t index) {
  uint32_t offset = 0;
  for (uint32_t i = 0; type[i] != '\0'; i++) {
    uint32_t size = wasmc_tag_slot_size(type[i]);
    offset = (offset + size - 1) & ~(size - 1);
    if (i == index)
      return offset;
    offset += size;
  }
  return offset;
}

/* ------------------------------------------------------------------------ */
/* Exceptions (exnref)                                                      */
/* ------------------------------------------------------------------------ */

/*
 * An exception. Generated code reads `tag` and the payload; the other fields
 * belong to the runtime.
 */
typedef struct wasmc_exception {
  const wasmc_tag *tag;
  struct wasmc_exception *next_live; /* this thread's live exceptions */
  struct wasmc_exception *prev_live;
  const void *owner; /* the thread whose list holds it */
  uint32_t pins;     /* references the stack scan cannot see: globals, tables, hosts */
  uint8_t exposed;   /* ever an exnref value (catch_ref, catch_all_ref) */
  uint8_t marked;    /* collection */
  _Alignas(16) unsigned char payload[];
} wasmc_exception;

/* A new exception of `tag`, payload zeroed; the caller fills the payload. */
wasmc_exception *wasmc_exception_new(const wasmc_tag *tag);

static inline void *wasmc_exception_payload(wasmc_exception *exception) { return exception->payload; }

/* Payload access by byte offset (from wasmc_tag_offset), exact for floats. */
#define WASMC_EXCEPTION_PUT(exception, offset, type, value)                  \
  do {                                                                       \
    type wasmc_put_ = (value);                                               \
    memcpy((exception)->payload + (offset), &wasmc_put_, sizeof wasmc_put_); \
  } while (0)
#define WASMC_EXCEPTION_GET(exception, offset, type)                         \
  ({                                                                         \
    type wasmc_get_;                                                         \
    memcpy(&wasmc_get_, (exception)->payload + (offset), sizeof wasmc_get_); \
    wasmc_get_;                                                              \
  })

/* ------------------------------------------------------------------------ */
/* Handlers: try_table and legacy try                                       */
/* ------------------------------------------------------------------------ */

/*
 * One active try_table (or legacy try) of a function. Generated code declares
 * one per try block at the top of the function, pushes it when the block is
 * entered and pops it at every way out of the block's body (its end, a branch
 * to a label outside it, return, return_call). A throw pops it before landing.
 *
 *   wasmc_handler_push(&h2);
 *   if (WASMC_HANDLER_LANDED(h2)) {     // a throw arrived: h2 is popped
 *     wasmc_exception *x = h2.exception;
 *     if (x->tag == inst->tag0) { ...payload to operands...; wasmc_exception_caught(x); goto L4; }
 *     wasmc_exception_expose(x); x0 = x; goto L5;              // catch_all_ref
 *   }
 *   ...body...
 *   wasmc_handler_pop(&h2);
 *
 * A handler with no clause that matches ends in wasmc_rethrow(x).
 * sigsetjmp is the whole controlling expression's operand of `!= 0`, which
 * C11 7.13.1.1 allows; locals assigned in the body must be volatile (see the
 * design note).
 */
typedef struct wasmc_handler {
  sigjmp_buf jump;
  struct wasmc_handler *previous;
  wasmc_exception *exception; /* the exception that landed here */
} wasmc_handler;

/* The innermost handler of this thread (NULL: none in the current scope). */
extern _Thread_local wasmc_handler *wasmc_handlers __attribute__((tls_model("local-exec")));

static inline void wasmc_handler_push(wasmc_handler *handler) {
  handler->previous = wasmc_handlers;
  handler->exception = NULL;
  wasmc_handlers = handler;
}
static inline void wasmc_handler_pop(wasmc_handler *handler) { wasmc_handlers = handler->previous; }
#define WASMC_HANDLER_LANDED(handler) (sigsetjmp((handler).jump, 0) != 0)

/* throw: delivers `exception` to the innermost handler (or ends the scope). */
WASMC_NORETURN void wasmc_throw(wasmc_exception *exception);
/* throw_ref: the same; a null reference traps. */
WASMC_NORETURN void wasmc_throw_ref(wasmc_exception *exception, const char *function);
/* A handler none of whose clauses matched, and legacy rethrow: throw again. */
WASMC_NORETURN void wasmc_rethrow(wasmc_exception *exception);
/*
 * Legacy delegate: deliver to `handler` (the try that the delegate's label
 * names, or the innermost one enclosing it), or to the handlers the function
 * was entered with when `handler` is the head saved at function entry.
 */
WASMC_NORETURN void wasmc_throw_to(wasmc_exception *exception, wasmc_handler *handler);

/* Whether an exception carries `tag` (the catch test: tags compare by address). */
static inline bool wasmc_exception_is(const wasmc_exception *exception, const wasmc_tag *tag) {
  return exception->tag == tag;
}

/*
 * A catch clause that keeps no reference (catch, catch_all; a legacy catch
 * block at its end) is done with the exception: freed at once unless it is
 * also an exnref somewhere.
 */
void wasmc_exception_caught(wasmc_exception *exception);
/* catch_ref, catch_all_ref: the exception becomes an exnref value. */
static inline void wasmc_exception_expose(wasmc_exception *exception) { exception->exposed = 1; }

/* ------------------------------------------------------------------------ */
/* References the stack scan cannot see                                     */
/* ------------------------------------------------------------------------ */

/*
 * A global or table element of type exnref is written with this (it pins the
 * new value and unpins the old); a host that keeps an exnref pins it. An
 * exception stays alive while pinned. Tables and globals unpin their
 * elements when destroyed.
 */
WASMC_API void wasmc_exnref_pin(wasmc_exception *exception);
WASMC_API void wasmc_exnref_unpin(wasmc_exception *exception);
static inline void wasmc_exnref_store(wasmc_exception **slot, wasmc_exception *value) {
  wasmc_exception *old = *slot;
  if (value != NULL)
    wasmc_exnref_pin(value);
#ifdef WASMC_BOUNDS_GUARD
  /* Ordered with the guard-page accesses, like every write of WASMC_STATE_STORE. */
  *(wasmc_exception *volatile *)slot = value;
#else
  *slot = value;
#endif
  if (old != NULL)
    wasmc_exnref_unpin(old);
}

/* ------------------------------------------------------------------------ */
/* The host boundary                                                        */
/* ------------------------------------------------------------------------ */

/*
 * Every entry from host code into wasm code (an export called by the host,
 * a host function's callback into a module) runs inside a scope, entered
 * just before its WASMC_TRY and left right after it, on both outcomes:
 *
 *   wasmc_exception_scope scope;
 *   wasmc_trap_frame frame;
 *   wasmc_exception_scope_enter(&scope);
 *   bool returned = WASMC_TRY(frame, call);
 *   wasmc_exception_scope_leave(&scope);
 *   if (!returned && scope.uncaught != NULL) ... an exception left the call
 *
 * wasmc_instance_call and wasmc_instantiate do exactly this (and then
 * wasmc_exception_scope_hand_back), so hosts that enter wasm through them
 * need nothing more. Inside the scope the chain of handlers starts empty, so
 * a throw never reaches a handler beyond a host frame. A throw no handler
 * catches pins the exception into `uncaught` and unwinds like a trap
 * (WASMC_TRAP_UNCAUGHT_EXCEPTION, "uncaught exception", with the detail
 * "tag NAME").
 * The host then either reports it, and calls wasmc_exception_scope_discard,
 * or, inside a host function called by wasm, hands it back with
 * wasmc_exception_set_pending and returns: the wasm code that called the
 * host function rethrows it on return.
 */
typedef struct wasmc_exception_scope {
  wasmc_handler *saved_handlers;
  struct wasmc_exception_scope *previous;
  wasmc_exception *uncaught;      /* pinned while here */
  wasmc_exception *saved_pending; /* the pending exception of the host code around the scope */
} wasmc_exception_scope;

WASMC_API void wasmc_exception_scope_enter(wasmc_exception_scope *scope);
WASMC_API void wasmc_exception_scope_leave(wasmc_exception_scope *scope);
/* Unpins and forgets scope->uncaught (after reporting it). */
WASMC_API void wasmc_exception_scope_discard(wasmc_exception_scope *scope);

/*
 * Host side: rethrow `scope->uncaught` in the wasm code that called the
 * current host function, as soon as the host function returns. The host
 * returns normally afterwards (any result value; it is never read).
 */
WASMC_API void wasmc_exception_set_pending(wasmc_exception_scope *scope);

/*
 * After wasmc_exception_scope_leave: what hosts do with an exception that
 * left the scope when they have no use for it themselves. Inside a host
 * function called by wasm (an enclosing scope exists) it is handed back
 * (wasmc_exception_set_pending), so it unwinds on through the wasm code
 * that called the host, as if the host frames were not there; at the top
 * it is freed (wasmc_exception_scope_discard), the trap's detail having
 * named its tag.
 */
WASMC_API void wasmc_exception_scope_hand_back(wasmc_exception_scope *scope);

/* Set while a host function returns with an exception to rethrow. A scope
   saves and clears it on entry and restores it when left, dropping one that
   was set inside the scope and never rethrown (the host trapped instead). */
extern _Thread_local wasmc_exception *wasmc_exception_pending __attribute__((tls_model("local-exec")));
WASMC_NORETURN void wasmc_throw_pending(void);

/*
 * Generated code, after every call that can reach a host function (a call to
 * an imported function, call_indirect, call_ref): one thread-local load and a
 * branch that is never taken unless an exception crosses the host.
 */
#define WASMC_EXCEPTION_CHECK()                               \
  do {                                                        \
    if (__builtin_expect(wasmc_exception_pending != NULL, 0)) \
      wasmc_throw_pending();                                  \
  } while (0)

/* "uncaught exception: tag NAME", for reports. */
WASMC_API void wasmc_exception_describe(const wasmc_exception *exception, char *out, size_t size);

/* ------------------------------------------------------------------------ */
/* Collection                                                               */
/* ------------------------------------------------------------------------ */

/*
 * Frees every exception of this thread that no pin, no word of the thread's
 * stack (from the caller's frame up) and no payload of a live exception
 * refers to. Runs by itself when the live exceptions double; exposed for
 * tests. Returns how many remain.
 */
size_t wasmc_exception_collect(void);
/* Live exceptions of this thread (tests). */
size_t wasmc_exception_live_count(void);

#ifdef __cplusplus
}
#endif

#endif /* WASMC_EXCEPTIONS_H */
