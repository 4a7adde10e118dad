/*
 * Exceptions: tags, exception objects and their collection, the per-thread
 * chain of handlers (try_table, legacy try), throwing, and the scopes that
 * keep exceptions from crossing host frames. See wasmc_exceptions.h and
 * docs/exceptions-and-tail-calls.md.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "wasmc_exceptions.h"
#include "wasmc_module.h" /* wasmc_trap */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Thread_local wasmc_handler *wasmc_handlers;
_Thread_local wasmc_exception *wasmc_exception_pending;

static _Thread_local wasmc_exception_scope *current_scope;
/* This thread's live exceptions, and how many: the collection's heap. */
static _Thread_local wasmc_exception *live;
static _Thread_local size_t live_count;
static _Thread_local size_t collect_at;
/* One past the highest address of this thread's stack (0 until known). */
static _Thread_local uintptr_t stack_high;
/* Its address identifies the thread that owns an exception. */
static _Thread_local char thread_identity;

/* The first collection runs at this many live exceptions; then at twice the survivors. */
#define FIRST_COLLECTION 64

/* ---------------------------------------------------------------------- */
/* Tags and exception objects                                             */
/* ---------------------------------------------------------------------- */

void wasmc_tag_init(wasmc_tag *tag, const char *type, const char *name) {
  tag->type = type;
  tag->name = name;
  tag->payload_size = wasmc_tag_offset(type, (uint32_t)strlen(type));
}

static size_t exception_size(const wasmc_exception *exception) {
  return sizeof(wasmc_exception) + exception->tag->payload_size;
}

static void unlink_and_free(wasmc_exception *exception) {
  if (exception->prev_live != NULL)
    exception->prev_live->next_live = exception->next_live;
  else
    live = exception->next_live;
  if (exception->next_live != NULL)
    exception->next_live->prev_live = exception->prev_live;
  live_count--;
  free(exception);
}

static void know_stack(void) {
  if (stack_high != 0)
    return;
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    void *low = NULL;
    size_t size = 0;
    if (pthread_attr_getstack(&attr, &low, &size) == 0 && low != NULL)
      stack_high = (uintptr_t)low + size;
    pthread_attr_destroy(&attr);
  }
}

static size_t collect_from_here(void);

wasmc_exception *wasmc_exception_new(const wasmc_tag *tag) {
  if (collect_at == 0)
    collect_at = FIRST_COLLECTION;
  if (live_count >= collect_at)
    collect_from_here();
  wasmc_exception *exception = calloc(1, sizeof(wasmc_exception) + tag->payload_size);
  if (exception == NULL)
    wasmc_trap_host("out of memory for an exception's payload");
  exception->tag = tag;
  exception->owner = &thread_identity;
  exception->next_live = live;
  if (live != NULL)
    live->prev_live = exception;
  live = exception;
  live_count++;
  return exception;
}

static bool owned_here(const wasmc_exception *exception) { return exception->owner == &thread_identity; }

void wasmc_exception_caught(wasmc_exception *exception) {
  if (!exception->exposed && __atomic_load_n(&exception->pins, __ATOMIC_ACQUIRE) == 0 &&
      owned_here(exception))
    unlink_and_free(exception);
}

void wasmc_exnref_pin(wasmc_exception *exception) {
  __atomic_fetch_add(&exception->pins, 1, __ATOMIC_RELAXED);
}

void wasmc_exnref_unpin(wasmc_exception *exception) {
  uint32_t left = __atomic_sub_fetch(&exception->pins, 1, __ATOMIC_ACQ_REL);
  /* Outside every scope no wasm frame can hold it: the last pin was the last reference. */
  if (left == 0 && current_scope == NULL && owned_here(exception))
    unlink_and_free(exception);
}

void wasmc_exception_describe(const wasmc_exception *exception, char *out, size_t size) {
  const char *name = exception->tag->name;
  snprintf(out, size, "uncaught exception: tag %s", name != NULL ? name : "(unnamed)");
}

/* ---------------------------------------------------------------------- */
/* Throwing                                                               */
/* ---------------------------------------------------------------------- */

/* No handler left in this scope: end the scope as a trap that names the tag. */
static WASMC_NORETURN void leave_scope_uncaught(wasmc_exception *exception) {
  if (current_scope != NULL) {
    wasmc_exnref_pin(exception);
    current_scope->uncaught = exception;
  }
  /* The report reads "uncaught exception: tag NAME": the trap's message, then this detail. */
  char detail[160];
  const char *name = exception->tag->name;
  snprintf(detail, sizeof detail, "tag %s", name != NULL ? name : "(unnamed)");
  wasmc_trap_with_detail(WASMC_TRAP_UNCAUGHT_EXCEPTION, detail);
}

void wasmc_throw_to(wasmc_exception *exception, wasmc_handler *handler) {
  if (handler == NULL)
    leave_scope_uncaught(exception);
  wasmc_handlers = handler->previous;
  handler->exception = exception;
  siglongjmp(handler->jump, 1);
}

void wasmc_throw(wasmc_exception *exception) { wasmc_throw_to(exception, wasmc_handlers); }

void wasmc_rethrow(wasmc_exception *exception) { wasmc_throw_to(exception, wasmc_handlers); }

void wasmc_throw_ref(wasmc_exception *exception, const char *function) {
  if (exception == NULL)
    wasmc_trap(WASMC_TRAP_NULL_REFERENCE, function);
  wasmc_throw_to(exception, wasmc_handlers);
}

void wasmc_throw_pending(void) {
  wasmc_exception *exception = wasmc_exception_pending;
  wasmc_exception_pending = NULL;
  /* Drop the pending slot's pin without freeing: the exception is about to be thrown. */
  __atomic_fetch_sub(&exception->pins, 1, __ATOMIC_ACQ_REL);
  wasmc_throw_to(exception, wasmc_handlers);
}

/* ---------------------------------------------------------------------- */
/* Scopes: entries from host code                                         */
/* ---------------------------------------------------------------------- */

static void free_unpinned(void) {
  for (wasmc_exception *exception = live, *next; exception != NULL; exception = next) {
    next = exception->next_live;
    if (__atomic_load_n(&exception->pins, __ATOMIC_ACQUIRE) == 0)
      unlink_and_free(exception);
  }
}

void wasmc_exception_scope_enter(wasmc_exception_scope *scope) {
  know_stack();
  scope->saved_handlers = wasmc_handlers;
  scope->previous = current_scope;
  scope->uncaught = NULL;
  scope->saved_pending = wasmc_exception_pending;
  wasmc_exception_pending = NULL;
  wasmc_handlers = NULL;
  current_scope = scope;
}

void wasmc_exception_scope_leave(wasmc_exception_scope *scope) {
  wasmc_handlers = scope->saved_handlers;
  current_scope = scope->previous;
  /* Handed back inside the scope but never rethrown (the host trapped instead): drop it. */
  if (wasmc_exception_pending != NULL)
    wasmc_exnref_unpin(wasmc_exception_pending);
  wasmc_exception_pending = scope->saved_pending;
  scope->saved_pending = NULL;
  /* Back in host code with no wasm frame below: only pinned exceptions can be reached. */
  if (current_scope == NULL)
    free_unpinned();
}

void wasmc_exception_scope_discard(wasmc_exception_scope *scope) {
  wasmc_exception *exception = scope->uncaught;
  scope->uncaught = NULL;
  if (exception != NULL)
    wasmc_exnref_unpin(exception);
}

void wasmc_exception_set_pending(wasmc_exception_scope *scope) {
  /* The scope's pin moves to the pending slot; wasmc_throw_pending drops it. One the host
     ignored earlier (it called back again instead of returning) is replaced. */
  wasmc_exception *previous = wasmc_exception_pending;
  wasmc_exception_pending = scope->uncaught;
  scope->uncaught = NULL;
  if (previous != NULL)
    wasmc_exnref_unpin(previous);
}

void wasmc_exception_scope_hand_back(wasmc_exception_scope *scope) {
  if (scope->uncaught == NULL)
    return;
  if (scope->previous != NULL)
    wasmc_exception_set_pending(scope);
  else
    wasmc_exception_scope_discard(scope);
}

/* ---------------------------------------------------------------------- */
/* Collection                                                             */
/* ---------------------------------------------------------------------- */

typedef struct heap_view {
  wasmc_exception **sorted; /* live exceptions by address */
  size_t count;
  wasmc_exception **work; /* marked, payload not yet traced */
  size_t work_count;
} heap_view;

static int by_address(const void *a, const void *b) {
  uintptr_t x = (uintptr_t) * (wasmc_exception *const *)a;
  uintptr_t y = (uintptr_t) * (wasmc_exception *const *)b;
  return x < y ? -1 : x > y;
}

/* The live exception whose object contains `word`, if any (interior pointers count). */
static wasmc_exception *find(const heap_view *view, uintptr_t word) {
  size_t low = 0, high = view->count;
  while (low < high) {
    size_t middle = low + (high - low) / 2;
    wasmc_exception *candidate = view->sorted[middle];
    uintptr_t start = (uintptr_t)candidate;
    if (word < start) {
      high = middle;
    } else if (word >= start + exception_size(candidate)) {
      low = middle + 1;
    } else {
      return candidate;
    }
  }
  return NULL;
}

static void mark(heap_view *view, wasmc_exception *exception) {
  if (exception == NULL || exception->marked)
    return;
  exception->marked = 1;
  view->work[view->work_count++] = exception;
}

/*
 * Conservative: any word of the stack that points into an exception keeps it.
 * The words are read without the sanitizers' checks, since most of the stack
 * is other frames' (and partly poisoned) memory.
 */
__attribute__((no_sanitize("address", "undefined"))) static void scan_stack(heap_view *view, uintptr_t low) {
  low &= ~(uintptr_t)(sizeof(uintptr_t) - 1);
  for (uintptr_t at = low; at + sizeof(uintptr_t) <= stack_high; at += sizeof(uintptr_t)) {
    uintptr_t word = *(volatile uintptr_t *)at;
    wasmc_exception *found = find(view, word);
    if (found != NULL)
      mark(view, found);
  }
}

/* Payload values of type exnref keep their exceptions too. */
static void trace(heap_view *view) {
  while (view->work_count > 0) {
    wasmc_exception *exception = view->work[--view->work_count];
    const char *type = exception->tag->type;
    for (uint32_t i = 0; type[i] != '\0'; i++) {
      if (type[i] != 'x')
        continue;
      wasmc_exception *held;
      memcpy(&held, exception->payload + wasmc_tag_offset(type, i), sizeof held);
      mark(view, find(view, (uintptr_t)held));
    }
  }
}

static size_t mark_and_sweep(uintptr_t stack_low) {
  if (live_count == 0)
    return 0;
  know_stack();
  heap_view view = {malloc(live_count * sizeof(wasmc_exception *)), live_count,
                    malloc(live_count * sizeof(wasmc_exception *)), 0};
  if (view.sorted == NULL || view.work == NULL || stack_high == 0) {
    /* Cannot tell what is reachable: keep everything, try again later. */
    free(view.sorted);
    free(view.work);
    collect_at = live_count * 2;
    return live_count;
  }
  size_t n = 0;
  for (wasmc_exception *exception = live; exception != NULL; exception = exception->next_live) {
    exception->marked = 0;
    view.sorted[n++] = exception;
  }
  qsort(view.sorted, view.count, sizeof view.sorted[0], by_address);
  for (size_t i = 0; i < view.count; i++)
    if (__atomic_load_n(&view.sorted[i]->pins, __ATOMIC_ACQUIRE) > 0)
      mark(&view, view.sorted[i]);
  scan_stack(&view, stack_low);
  trace(&view);
  for (size_t i = 0; i < view.count; i++)
    if (!view.sorted[i]->marked)
      unlink_and_free(view.sorted[i]);
  free(view.sorted);
  free(view.work);
  collect_at = live_count * 2 > FIRST_COLLECTION ? live_count * 2 : FIRST_COLLECTION;
  return live_count;
}

static inline uintptr_t current_stack_pointer(void) {
  uintptr_t sp;
#if defined(__x86_64__)
  __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
#elif defined(__aarch64__)
  __asm__ volatile("mov %0, sp" : "=r"(sp));
#else
  sp = (uintptr_t)__builtin_frame_address(0);
#endif
  return sp;
}

/*
 * __builtin_unwind_init makes this function save every callee-saved register
 * in its frame, so an exnref the callers keep only in a register is on the
 * stack that the scan reads (from this frame's stack pointer up).
 */
__attribute__((noinline)) static size_t collect_from_here(void) {
  __builtin_unwind_init();
  return mark_and_sweep(current_stack_pointer());
}

size_t wasmc_exception_collect(void) { return collect_from_here(); }

size_t wasmc_exception_live_count(void) { return live_count; }
