/* The spill area of the tail-call convention: see wasmc_tail_calls.h. */
#include "wasmc_tail_calls.h"

_Thread_local wasmc_tail_slot wasmc_tail_spill[WASMC_TAIL_SPILL_SLOTS];
