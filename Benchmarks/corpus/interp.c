/* interp: a stack-machine bytecode interpreter running a small program.
 *
 * Stresses the classic interpreter loop: a switch over opcodes with an
 * unpredictable indirect branch, operand-stack loads and stores, and a call
 * stack. The guest program (assembled below) runs a recursive fib, a sieve of
 * Eratosthenes over the VM heap, and a Collatz step count.
 *
 * usage: interp [repeats]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_REPEATS 10
#define STACK_SIZE 4096
#define FRAMES 1024
#define HEAP_SIZE (1 << 20)

enum {
    OP_HALT, OP_PUSH, OP_POP, OP_DUP, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,
    OP_AND, OP_OR, OP_XOR, OP_SHL, OP_SHR, OP_LT, OP_EQ, OP_JMP, OP_JZ, OP_JNZ, OP_CALL, OP_ENTER,
    OP_RET, OP_HLOAD, OP_HSTORE,
};

/* ---- assembler ---- */

#define MAX_CODE 1024
#define MAX_LABELS 64

typedef struct {
    int32_t code[MAX_CODE];
    int len;
    int label_at[MAX_LABELS];
    int nlabels;
    int fixup_pos[MAX_CODE], fixup_label[MAX_CODE];
    int nfixups;
} Assembler;

static int new_label(Assembler *a) {
    a->label_at[a->nlabels] = -1;
    return a->nlabels++;
}

static void bind(Assembler *a, int label) { a->label_at[label] = a->len; }

static void op(Assembler *a, int opcode) { a->code[a->len++] = opcode; }

static void op_imm(Assembler *a, int opcode, int32_t imm) {
    a->code[a->len++] = opcode;
    a->code[a->len++] = imm;
}

/* Jumps and calls name a label; the address is patched by finish(). */
static void op_label(Assembler *a, int opcode, int label) {
    a->code[a->len++] = opcode;
    a->fixup_pos[a->nfixups] = a->len;
    a->fixup_label[a->nfixups++] = label;
    a->code[a->len++] = -1;
}

static void finish(Assembler *a) {
    for (int i = 0; i < a->nfixups; i++) {
        int target = a->label_at[a->fixup_label[i]];
        if (target < 0) {
            fprintf(stderr, "unbound label %d\n", a->fixup_label[i]);
            exit(2);
        }
        a->code[a->fixup_pos[i]] = target;
    }
}

/* Entry point takes (fib_n, sieve_limit, collatz_limit) in locals 0..2 and
   halts with fib(fib_n) * 1000003 + primes * 31 + collatz_steps on the stack. */
static int assemble(Assembler *a) {
    int fib = new_label(a), sieve = new_label(a), collatz = new_label(a), entry = new_label(a);

    /* fib(n): local 0 = n */
    int recurse = new_label(a);
    bind(a, fib);
    op_imm(a, OP_ENTER, 1);
    op_imm(a, OP_LOAD, 0), op_imm(a, OP_PUSH, 2), op(a, OP_LT), op_label(a, OP_JZ, recurse);
    op_imm(a, OP_LOAD, 0), op(a, OP_RET);
    bind(a, recurse);
    op_imm(a, OP_LOAD, 0), op_imm(a, OP_PUSH, 1), op(a, OP_SUB), op_label(a, OP_CALL, fib), a->code[a->len++] = 1;
    op_imm(a, OP_LOAD, 0), op_imm(a, OP_PUSH, 2), op(a, OP_SUB), op_label(a, OP_CALL, fib), a->code[a->len++] = 1;
    op(a, OP_ADD), op(a, OP_RET);

    /* sieve(m): locals 0 = m, 1 = i, 2 = j, 3 = count */
    int fill = new_label(a), fill_done = new_label(a), outer = new_label(a), done = new_label(a);
    int next = new_label(a), inner = new_label(a);
    bind(a, sieve);
    op_imm(a, OP_ENTER, 4);
    op_imm(a, OP_PUSH, 0), op_imm(a, OP_STORE, 1);
    bind(a, fill);
    op_imm(a, OP_LOAD, 1), op_imm(a, OP_LOAD, 0), op(a, OP_LT), op_label(a, OP_JZ, fill_done);
    op_imm(a, OP_PUSH, 1), op_imm(a, OP_LOAD, 1), op(a, OP_HSTORE);
    op_imm(a, OP_LOAD, 1), op_imm(a, OP_PUSH, 1), op(a, OP_ADD), op_imm(a, OP_STORE, 1), op_label(a, OP_JMP, fill);
    bind(a, fill_done);
    op_imm(a, OP_PUSH, 2), op_imm(a, OP_STORE, 1), op_imm(a, OP_PUSH, 0), op_imm(a, OP_STORE, 3);
    bind(a, outer);
    op_imm(a, OP_LOAD, 1), op_imm(a, OP_LOAD, 0), op(a, OP_LT), op_label(a, OP_JZ, done);
    op_imm(a, OP_LOAD, 1), op(a, OP_HLOAD), op_label(a, OP_JZ, next);
    op_imm(a, OP_LOAD, 3), op_imm(a, OP_PUSH, 1), op(a, OP_ADD), op_imm(a, OP_STORE, 3);
    op_imm(a, OP_LOAD, 1), op(a, OP_DUP), op(a, OP_MUL), op_imm(a, OP_STORE, 2);
    bind(a, inner);
    op_imm(a, OP_LOAD, 2), op_imm(a, OP_LOAD, 0), op(a, OP_LT), op_label(a, OP_JZ, next);
    op_imm(a, OP_PUSH, 0), op_imm(a, OP_LOAD, 2), op(a, OP_HSTORE);
    op_imm(a, OP_LOAD, 2), op_imm(a, OP_LOAD, 1), op(a, OP_ADD), op_imm(a, OP_STORE, 2), op_label(a, OP_JMP, inner);
    bind(a, next);
    op_imm(a, OP_LOAD, 1), op_imm(a, OP_PUSH, 1), op(a, OP_ADD), op_imm(a, OP_STORE, 1), op_label(a, OP_JMP, outer);
    bind(a, done);
    op_imm(a, OP_LOAD, 3), op(a, OP_RET);

    /* collatz(k): total steps to reach 1 for n = 1..k.
       locals 0 = k, 1 = n, 2 = x, 3 = total */
    int each = new_label(a), step = new_label(a), even = new_label(a), count = new_label(a);
    int reached = new_label(a), end = new_label(a);
    bind(a, collatz);
    op_imm(a, OP_ENTER, 4);
    op_imm(a, OP_PUSH, 1), op_imm(a, OP_STORE, 1), op_imm(a, OP_PUSH, 0), op_imm(a, OP_STORE, 3);
    bind(a, each);
    op_imm(a, OP_LOAD, 0), op_imm(a, OP_LOAD, 1), op(a, OP_LT), op_label(a, OP_JNZ, end);
    op_imm(a, OP_LOAD, 1), op_imm(a, OP_STORE, 2);
    bind(a, step);
    op_imm(a, OP_LOAD, 2), op_imm(a, OP_PUSH, 1), op(a, OP_EQ), op_label(a, OP_JNZ, reached);
    op_imm(a, OP_LOAD, 2), op_imm(a, OP_PUSH, 1), op(a, OP_AND), op_label(a, OP_JZ, even);
    op_imm(a, OP_LOAD, 2), op_imm(a, OP_PUSH, 3), op(a, OP_MUL), op_imm(a, OP_PUSH, 1), op(a, OP_ADD);
    op_imm(a, OP_STORE, 2), op_label(a, OP_JMP, count);
    bind(a, even);
    op_imm(a, OP_LOAD, 2), op_imm(a, OP_PUSH, 1), op(a, OP_SHR), op_imm(a, OP_STORE, 2);
    bind(a, count);
    op_imm(a, OP_LOAD, 3), op_imm(a, OP_PUSH, 1), op(a, OP_ADD), op_imm(a, OP_STORE, 3), op_label(a, OP_JMP, step);
    bind(a, reached);
    op_imm(a, OP_LOAD, 1), op_imm(a, OP_PUSH, 1), op(a, OP_ADD), op_imm(a, OP_STORE, 1), op_label(a, OP_JMP, each);
    bind(a, end);
    op_imm(a, OP_LOAD, 3), op(a, OP_RET);

    /* entry */
    bind(a, entry);
    op_imm(a, OP_LOAD, 0), op_label(a, OP_CALL, fib), a->code[a->len++] = 1;
    op_imm(a, OP_PUSH, 1000003), op(a, OP_MUL);
    op_imm(a, OP_LOAD, 1), op_label(a, OP_CALL, sieve), a->code[a->len++] = 1;
    op_imm(a, OP_PUSH, 31), op(a, OP_MUL), op(a, OP_ADD);
    op_imm(a, OP_LOAD, 2), op_label(a, OP_CALL, collatz), a->code[a->len++] = 1;
    op(a, OP_ADD), op(a, OP_HALT);

    finish(a);
    return a->label_at[entry];
}

/* ---- virtual machine ---- */

typedef struct {
    int return_pc;
    int frame_base;
} Frame;

typedef struct {
    int64_t stack[STACK_SIZE]; /* operand stack */
    int64_t locals[STACK_SIZE];
    Frame frames[FRAMES];
    int64_t *heap;
    uint64_t executed;
} Machine;

static void vm_fail(const char *why, int pc) {
    fprintf(stderr, "vm error at pc %d: %s\n", pc, why);
    exit(1);
}

static int64_t run(Machine *m, const int32_t *code, int pc, const int64_t *args, int nargs) {
    int64_t *sp = m->stack; /* next free slot */
    int fp = 0, lp = nargs, depth = 0;
    uint64_t executed = 0;
    memcpy(m->locals, args, (size_t)nargs * sizeof *args);
    for (;;) {
        executed++;
        int32_t opcode = code[pc++];
        switch (opcode) {
        case OP_HALT: m->executed += executed; return sp[-1];
        case OP_PUSH: *sp++ = code[pc++]; break;
        case OP_POP: sp--; break;
        case OP_DUP: sp[0] = sp[-1], sp++; break;
        case OP_LOAD: *sp++ = m->locals[fp + code[pc++]]; break;
        case OP_STORE: m->locals[fp + code[pc++]] = *--sp; break;
        case OP_ADD: sp--, sp[-1] = (int64_t)((uint64_t)sp[-1] + (uint64_t)sp[0]); break;
        case OP_SUB: sp--, sp[-1] = (int64_t)((uint64_t)sp[-1] - (uint64_t)sp[0]); break;
        case OP_MUL: sp--, sp[-1] = (int64_t)((uint64_t)sp[-1] * (uint64_t)sp[0]); break;
        case OP_DIV:
            sp--;
            if (sp[0] == 0) vm_fail("division by zero", pc);
            sp[-1] /= sp[0];
            break;
        case OP_MOD:
            sp--;
            if (sp[0] == 0) vm_fail("division by zero", pc);
            sp[-1] %= sp[0];
            break;
        case OP_AND: sp--, sp[-1] &= sp[0]; break;
        case OP_OR: sp--, sp[-1] |= sp[0]; break;
        case OP_XOR: sp--, sp[-1] ^= sp[0]; break;
        case OP_SHL: sp--, sp[-1] = (int64_t)((uint64_t)sp[-1] << (sp[0] & 63)); break;
        case OP_SHR: sp--, sp[-1] = (int64_t)((uint64_t)sp[-1] >> (sp[0] & 63)); break;
        case OP_LT: sp--, sp[-1] = sp[-1] < sp[0]; break;
        case OP_EQ: sp--, sp[-1] = sp[-1] == sp[0]; break;
        case OP_JMP: pc = code[pc]; break;
        case OP_JZ: pc = *--sp == 0 ? code[pc] : pc + 1; break;
        case OP_JNZ: pc = *--sp != 0 ? code[pc] : pc + 1; break;
        case OP_CALL: {
            int target = code[pc], n = code[pc + 1];
            if (depth == FRAMES || lp + 64 > STACK_SIZE) vm_fail("call stack overflow", pc);
            m->frames[depth].return_pc = pc + 2;
            m->frames[depth].frame_base = fp;
            depth++;
            fp = lp;
            sp -= n;
            memcpy(m->locals + fp, sp, (size_t)n * sizeof *sp);
            lp = fp + n;
            pc = target;
            break;
        }
        case OP_ENTER: {
            int n = code[pc++];
            for (int i = lp; i < fp + n; i++) m->locals[i] = 0;
            lp = fp + n;
            break;
        }
        case OP_RET:
            if (depth == 0) vm_fail("return from entry", pc);
            depth--;
            lp = fp;
            fp = m->frames[depth].frame_base;
            pc = m->frames[depth].return_pc;
            break; /* the return value stays on top of the operand stack */
        case OP_HLOAD: {
            int64_t i = sp[-1];
            if (i < 0 || i >= HEAP_SIZE) vm_fail("heap index out of range", pc);
            sp[-1] = m->heap[i];
            break;
        }
        case OP_HSTORE: {
            int64_t i = *--sp;
            if (i < 0 || i >= HEAP_SIZE) vm_fail("heap index out of range", pc);
            m->heap[i] = *--sp;
            break;
        }
        default: vm_fail("bad opcode", pc - 1);
        }
        if (sp < m->stack || sp >= m->stack + STACK_SIZE) vm_fail("operand stack out of range", pc);
    }
}

int main(int argc, char **argv) {
    int repeats = argc > 1 ? atoi(argv[1]) : DEFAULT_REPEATS;
    static Assembler a;
    int entry = assemble(&a);
    Machine *m = calloc(1, sizeof *m);
    if (!m) return 2;
    m->heap = calloc(HEAP_SIZE, sizeof *m->heap);
    if (!m->heap) return 2;
    uint64_t combined = 0;
    for (int r = 0; r < repeats; r++) {
        int64_t args[3] = {24 + r % 3, 300000 + 1000 * r, 20000 + 500 * r};
        int64_t result = run(m, a.code, entry, args, 3);
        if (r < 3) printf("run %d: %lld\n", r, (long long)result);
        combined = combined * 31 + (uint64_t)result;
    }
    printf("repeats %d code-words %d instructions %llu combined %016llx\n", repeats, a.len,
           (unsigned long long)m->executed, (unsigned long long)combined);
    free(m->heap);
    free(m);
    return 0;
}
