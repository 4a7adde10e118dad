#!/usr/bin/env python3
"""Generate large.c: thousands of distinct, non-trivial C functions.

The program exists to measure compile time on a big module (the wasm code
section is well over 800 KB), while still running a deterministic workload.
Every generated function is reachable: main calls each one through a table
of function pointers (call_indirect in wasm), and functions also call
lower-numbered ones directly, guarded by data-dependent conditions so the
expected number of nested calls stays small.

The output depends only on the arguments: a private PRNG is used instead of
the `random` module, so any Python 3 produces the same bytes.

usage: gen_large.py OUTPUT.c [--functions N] [--seed S]
"""

import argparse
import sys


class Rng:
    """xorshift64*: small, fast, and identical on every Python version."""

    def __init__(self, seed):
        self.state = (seed * 0x9E3779B97F4A7C15 + 1) & 0xFFFFFFFFFFFFFFFF

    def next(self):
        x = self.state
        x ^= x >> 12
        x ^= (x << 25) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 27
        self.state = x
        return (x * 0x2545F4914F6CDD1D) & 0xFFFFFFFFFFFFFFFF

    def below(self, n):
        return (self.next() >> 11) % n

    def between(self, lo, hi):
        """Inclusive range."""
        return lo + self.below(hi - lo + 1)

    def pick(self, items):
        return items[self.below(len(items))]

    def const32(self):
        return "0x%08xu" % (self.next() >> 32)


def statement(rng):
    """One loop-body statement over the locals a, b, c (uint32_t), s (int32_t,
    kept small so signed arithmetic never overflows), w (uint64_t),
    d (double, kept in [0, 8192)) and arr[8] (uint32_t)."""
    k = rng.const32()
    r = rng.between(1, 31)
    forms = [
        lambda: f"a = a * {k} + b;",
        lambda: f"b ^= (a >> {r}) | (c << {32 - r});",
        lambda: f"c += a % (b | 1u);",
        lambda: f"c = (c << {r}) | (c >> {32 - r});",
        lambda: f"s = s / {rng.between(2, 9)} - (int32_t)(a & 0xffffu);",
        lambda: f"s = s % {rng.between(3, 97)} + (int32_t)(b & 0x3ffu); c ^= (uint32_t)s;",
        lambda: f"w = w * 0x9e3779b97f4a7c15ull + a; c ^= (uint32_t)(w >> {rng.between(20, 40)});",
        lambda: f"d = d * 0.{rng.between(10, 90)} + (double)(a & 1023u); c += (uint32_t)d;",
        lambda: f"arr[a & 7u] += b ^ {k}; c ^= arr[(b >> {rng.between(1, 9)}) & 7u];",
        lambda: f"if (a > b) a -= b >> {rng.between(1, 4)}; else b -= a / {rng.between(2, 7)}u;",
        lambda: f"c += (uint32_t)__builtin_popcount(a ^ {k});",
        lambda: f"b += (uint32_t)__builtin_clz(c | 1u) * {rng.between(3, 300)}u;",
        lambda: f"a ^= (uint32_t)(((uint64_t)a * {k}) >> 32);",
        lambda: f"c -= (c >> {rng.between(2, 8)}) ^ (uint32_t)(int8_t)b;",
        lambda: f"b = b * {rng.between(3, 65535)}u + (uint32_t)(uint16_t)c;",
    ]
    return rng.pick(forms)()


def function(rng, index):
    lines = [f"/* generated function {index} */"]
    lines.append(f"__attribute__((noinline)) uint32_t f{index}(uint32_t x, uint32_t y) {{")
    lines.append(f"    uint32_t a = x ^ {rng.const32()}, b = y + {rng.const32()}, c = x + y;")
    lines.append(f"    int32_t s = (int32_t)(x & 0xffffu) - {rng.between(0, 40000)};")
    lines.append(f"    uint64_t w = ((uint64_t)x << 32) | b;")
    lines.append(f"    double d = (double)(y & 4095u);")
    lines.append(f"    uint32_t arr[8] = {{{', '.join(rng.const32() for _ in range(8))}}};")
    cases = rng.between(4, 10)
    lines.append(f"    for (uint32_t i = 0; i < (y & {rng.pick([3, 7, 15])}u) + {rng.between(2, 6)}u; i++) {{")
    lines.append(f"        switch ((a + i) % {cases}u) {{")
    for case in range(cases):
        body = " ".join(statement(rng) for _ in range(rng.between(1, 3)))
        lines.append(f"        case {case}: {body} break;")
    lines.append("        }")
    for _ in range(rng.between(1, 3)):
        lines.append("        " + statement(rng))
    lines.append("    }")
    for _ in range(rng.between(2, 5)):
        lines.append("    " + statement(rng))
    # Direct calls to lower-numbered functions, each taken about 1 time in 16,
    # so a call fans out to ~1.2 calls on average and recursion is impossible.
    if index > 0:
        for _ in range(rng.between(0, 3)):
            callee = rng.below(index)
            bits = rng.between(0, 27)
            lines.append(f"    if (((a >> {bits}) & 15u) == {rng.below(16)}u) c ^= f{callee}(c + {rng.const32()}, b);")
    lines.append("    return a ^ b ^ c ^ (uint32_t)s ^ (uint32_t)(w >> 7) ^ arr[c & 7u] ^ (uint32_t)d;")
    lines.append("}")
    return "\n".join(lines)


def state_machine(rng, index):
    """A dense switch (a br_table in wasm) stepping a little state machine."""
    states = rng.between(24, 48)
    lines = [f"/* generated state machine {index} */"]
    lines.append(f"__attribute__((noinline)) uint32_t m{index}(uint32_t x, uint32_t y) {{")
    lines.append(f"    uint32_t state = x % {states}u, acc = y;")
    lines.append(f"    for (uint32_t step = 0; step < {rng.between(8, 24)}u; step++) {{")
    lines.append("        switch (state) {")
    for st in range(states):
        nxt = rng.below(states)
        alt = rng.below(states)
        lines.append(
            f"        case {st}: acc = acc * {rng.between(3, 999)}u + {rng.const32()}; "
            f"state = (acc & {rng.pick([1, 2, 4, 8])}u) ? {nxt}u : {alt}u; break;"
        )
    lines.append("        default: state = 0; break;")
    lines.append("        }")
    lines.append("    }")
    lines.append("    return acc ^ state;")
    lines.append("}")
    return "\n".join(lines)


def generate(functions, machines, seed, default_rounds):
    rng = Rng(seed)
    out = [
        "/* large.c: GENERATED by gen_large.py -- do not edit.",
        f" * {functions} functions + {machines} state machines, seed {seed}.",
        " * usage: large [rounds] */",
        "#include <stdint.h>",
        "#include <stdio.h>",
        "#include <stdlib.h>",
        "",
        f"#define DEFAULT_ROUNDS {default_rounds}",
        "",
    ]
    for i in range(functions):
        out.append(function(rng, i))
        out.append("")
    for i in range(machines):
        out.append(state_machine(rng, i))
        out.append("")
    out.append("typedef uint32_t (*Generated)(uint32_t, uint32_t);")
    out.append("")
    out.append(f"static Generated const FUNCTIONS[{functions}] = {{")
    for i in range(0, functions, 12):
        out.append("    " + ", ".join(f"f{j}" for j in range(i, min(i + 12, functions))) + ",")
    out.append("};")
    out.append("")
    out.append(f"static Generated const MACHINES[{machines}] = {{")
    for i in range(0, machines, 12):
        out.append("    " + ", ".join(f"m{j}" for j in range(i, min(i + 12, machines))) + ",")
    out.append("};")
    out.append(
        """
int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : DEFAULT_ROUNDS;
    uint32_t acc = 0x12345678u, mix = 0;
    for (int r = 0; r < rounds; r++) {
        for (uint32_t i = 0; i < sizeof FUNCTIONS / sizeof FUNCTIONS[0]; i++) {
            acc = FUNCTIONS[i](acc + i, (uint32_t)r * 2654435761u + i) ^ (acc >> 3);
            mix = mix * 31u + acc;
        }
        for (uint32_t i = 0; i < sizeof MACHINES / sizeof MACHINES[0]; i++)
            acc ^= MACHINES[i](acc + i, (uint32_t)r);
    }
    printf("rounds %d functions %u machines %u\\n", rounds, (unsigned)(sizeof FUNCTIONS / sizeof FUNCTIONS[0]),
           (unsigned)(sizeof MACHINES / sizeof MACHINES[0]));
    printf("acc %08x mix %08x\\n", acc, mix);
    return 0;
}"""
    )
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output")
    parser.add_argument("--functions", type=int, default=1400)
    parser.add_argument("--machines", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--rounds", type=int, default=3000, help="default round count compiled into main")
    args = parser.parse_args()
    text = generate(args.functions, args.machines, args.seed, args.rounds)
    with open(args.output, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
