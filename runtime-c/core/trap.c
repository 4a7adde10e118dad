/*
 * Traps: a per-thread chain of jump targets, one per activation of wasm code,
 * and the signal handler that turns guard-page faults into traps.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "wasmc_module.h"
#include "runtime_internal.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

static _Thread_local wasmc_trap_frame *current_frame;
_Thread_local uintptr_t wasmc_stack_limit;
/* The lowest address of this thread's stack, when known (0 if not). */
static _Thread_local uintptr_t stack_low;

const char *wasmc_trap_message(wasmc_trap_kind kind) {
  switch (kind) {
  case WASMC_TRAP_NONE: return "no trap";
  case WASMC_TRAP_UNREACHABLE: return "unreachable";
  case WASMC_TRAP_INT_DIV_BY_ZERO: return "integer divide by zero";
  case WASMC_TRAP_INT_OVERFLOW: return "integer overflow";
  case WASMC_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
  case WASMC_TRAP_OOB_MEMORY: return "out of bounds memory access";
  case WASMC_TRAP_OOB_TABLE: return "out of bounds table access";
  case WASMC_TRAP_UNINITIALIZED_ELEMENT: return "uninitialized element";
  case WASMC_TRAP_UNDEFINED_ELEMENT: return "undefined element";
  case WASMC_TRAP_INDIRECT_CALL_TYPE_MISMATCH: return "indirect call type mismatch";
  case WASMC_TRAP_NULL_REFERENCE: return "null reference";
  case WASMC_TRAP_CALL_STACK_EXHAUSTED: return "call stack exhausted";
  case WASMC_TRAP_HOST: return "host error";
  case WASMC_TRAP_EXIT: return "exit";
  case WASMC_TRAP_UNCAUGHT_EXCEPTION: return "uncaught exception";
  case WASMC_TRAP_NULL_FUNCTION_REFERENCE: return "null function reference";
  }
  return "unknown trap";
}

void wasmc_trap_frame_push(wasmc_trap_frame *frame) {
  if (wasmc_stack_limit == 0)
    wasmc_thread_init();
  frame->previous = current_frame;
  frame->info.kind = WASMC_TRAP_NONE;
  frame->info.function = NULL;
  frame->info.exit_code = 0;
  frame->info.detail[0] = '\0';
  current_frame = frame;
}

void wasmc_trap_frame_pop(wasmc_trap_frame *frame) { current_frame = frame->previous; }

static WASMC_NORETURN void unwind(wasmc_trap_kind kind, const char *function, int exit_code,
                                  const char *detail) {
  wasmc_trap_frame *frame = current_frame;
  if (frame == NULL) {
    /* Wasm code ran outside any WASMC_TRY: a host bug, not a guest's. */
    fprintf(stderr, "wasmc: trap outside of a trap frame: %s%s%s\n", wasmc_trap_message(kind),
            function ? " in " : "", function ? function : "");
    abort();
  }
  frame->info.kind = kind;
  frame->info.function = function;
  frame->info.exit_code = exit_code;
  if (detail)
    snprintf(frame->info.detail, sizeof frame->info.detail, "%s", detail);
  siglongjmp(frame->jump, 1);
}

void wasmc_trap(wasmc_trap_kind kind, const char *function) { unwind(kind, function, 0, NULL); }

void wasmc_trap_host(const char *detail) { unwind(WASMC_TRAP_HOST, NULL, 0, detail); }

void wasmc_trap_exit(int exit_code) { unwind(WASMC_TRAP_EXIT, NULL, exit_code, NULL); }

void wasmc_trap_with_detail(wasmc_trap_kind kind, const char *detail) { unwind(kind, NULL, 0, detail); }

/* ---------------------------------------------------------------------- */
/* Guard-page faults                                                      */
/* ---------------------------------------------------------------------- */

static struct sigaction previous_segv, previous_bus;

/* The stack pointer of the code the signal interrupted; 0 where unknown. */
static uintptr_t interrupted_stack_pointer(void *context) {
#if defined(__linux__) && defined(__x86_64__)
  return (uintptr_t)((ucontext_t *)context)->uc_mcontext.gregs[REG_RSP];
#elif defined(__linux__) && defined(__aarch64__)
  return (uintptr_t)((ucontext_t *)context)->uc_mcontext.sp;
#elif defined(__linux__) && defined(__arm__)
  return (uintptr_t)((ucontext_t *)context)->uc_mcontext.arm_sp;
#elif defined(__linux__) && defined(__i386__)
  return (uintptr_t)((ucontext_t *)context)->uc_mcontext.gregs[REG_ESP];
#else
  (void)context;
  return 0;
#endif
}

/* How far below its stack a thread's overflow can fault: the kernel keeps a gap of 1 MiB
   below the main thread's stack; other threads have a guard page. */
#define STACK_GUARD_SPAN (1024 * 1024)

/*
 * Whether a fault is the stack running out. Guard-page modules check the stack pointer
 * only in functions that can enter host code (see WASMC_CHECK_STACK); elsewhere deep
 * recursion runs into the guard below the thread's stack. Frames touch their pages in
 * order (clang's -fstack-clash-protection), so such a fault lies just below the stack,
 * and next to the stack pointer: either is enough to recognise it.
 */
static bool is_stack_overflow(uintptr_t address, void *context) {
  if (stack_low != 0 && address < stack_low && stack_low - address <= STACK_GUARD_SPAN)
    return true;
  uintptr_t sp = interrupted_stack_pointer(context);
  return sp != 0 && address + 4096 >= sp && address < sp + 65536;
}

static void fault_handler(int signo, siginfo_t *info, void *context) {
  if (current_frame != NULL) {
    uintptr_t address = (uintptr_t)info->si_addr;
    /* SA_NODEFER keeps the signal unblocked, so jumping out is safe. */
    if (wasmc_guard_region_contains(address))
      wasmc_trap(WASMC_TRAP_OOB_MEMORY, NULL);
    if (signo == SIGSEGV && is_stack_overflow(address, context))
      wasmc_trap(WASMC_TRAP_CALL_STACK_EXHAUSTED, NULL);
  }
  /* Not ours: restore the previous disposition and let the fault recur. */
  struct sigaction *previous = signo == SIGSEGV ? &previous_segv : &previous_bus;
  if (previous->sa_flags & SA_SIGINFO) {
    previous->sa_sigaction(signo, info, context);
    return;
  }
  sigaction(signo, previous, NULL);
}

static pthread_once_t handlers_once = PTHREAD_ONCE_INIT;

static void install_fault_handlers(void) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = fault_handler;
  action.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  sigaction(SIGSEGV, &action, &previous_segv);
  sigaction(SIGBUS, &action, &previous_bus);
}

void wasmc_install_fault_handlers(void) { pthread_once(&handlers_once, install_fault_handlers); }

/* ---------------------------------------------------------------------- */
/* Threads                                                                */
/* ---------------------------------------------------------------------- */

/* Room left below the limit for host calls, the fault handler and libc. */
#define STACK_RESERVE (256 * 1024)
#define SIGNAL_STACK_SIZE (64 * 1024)

void wasmc_thread_init(void) {
  pthread_attr_t attr;
  void *low = NULL;
  size_t stack_size = 0, guard_size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    pthread_attr_getstack(&attr, &low, &stack_size);
    pthread_attr_getguardsize(&attr, &guard_size);
    pthread_attr_destroy(&attr);
  }
  if (low == NULL || stack_size <= 2 * STACK_RESERVE) {
    /* Unknown bounds: assume 1 MiB below the current frame. */
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    wasmc_stack_limit = here - (1024 * 1024 - STACK_RESERVE);
  } else {
    stack_low = (uintptr_t)low;
    wasmc_stack_limit = stack_low + STACK_RESERVE;
  }
#ifdef WASMC_BOUNDS_GUARD
  /* Guard-page modules need a guard below the stack (see is_stack_overflow). The kernel
     keeps one below the main thread's; a thread made with its own stack may have none. */
  bool main_thread = syscall(SYS_gettid) == getpid();
  if (low != NULL && guard_size == 0 && !main_thread) {
    fprintf(stderr, "wasmc: this thread's stack has no guard page; modules compiled with "
                    "guard pages need one (the pthread default)\n");
    abort();
  }
#endif

  /* A signal stack, so a fault near the stack limit can still be handled. */
  static _Thread_local char *signal_stack;
  if (signal_stack == NULL) {
    signal_stack = malloc(SIGNAL_STACK_SIZE);
    if (signal_stack != NULL) {
      stack_t ss = {.ss_sp = signal_stack, .ss_size = SIGNAL_STACK_SIZE, .ss_flags = 0};
      sigaltstack(&ss, NULL);
    }
  }
  wasmc_install_fault_handlers();
}
