/* regex: a small regular-expression engine (Thompson NFA / Pike VM) and
 * Boyer-Moore-Horspool substring search over generated log lines.
 *
 * Stresses byte scanning, tight loops over small per-state arrays, and
 * data-dependent branches. Supported syntax: literals, ., [..] and [^..]
 * classes with ranges, \d \w \s and escaped metacharacters, ( ), |, *, +, ?,
 * and the anchors ^ and $ (relative to a line).
 *
 * usage: regex [passes] [dump]
 *   dump: also print the generated text after the results, so check.py can
 *   recount the matches with Python's re module.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_PASSES 3
#define TEXT_LINES 40000
#define MAX_INSTS 512

enum { I_CHAR, I_ANY, I_CLASS, I_SPLIT, I_JMP, I_BOL, I_EOL, I_MATCH };

typedef struct {
    uint8_t op;
    uint8_t c;
    int16_t x, y;       /* SPLIT: both targets (x preferred); JMP: x */
    int16_t class_index; /* CLASS: index into Program.classes */
} Inst;

typedef struct {
    Inst inst[MAX_INSTS];
    int n;
    uint8_t classes[64][32]; /* 256-bit membership sets */
    int nclasses;
    const char *error;
} Program;

/* ---- compiler: recursive descent emitting Pike VM code directly ---- */

typedef struct {
    const char *p;
    Program *prog;
} Compiler;

static int emit(Compiler *c, int op) {
    Program *g = c->prog;
    if (g->n >= MAX_INSTS) {
        g->error = "pattern too long";
        return MAX_INSTS - 1;
    }
    memset(&g->inst[g->n], 0, sizeof g->inst[0]);
    g->inst[g->n].op = (uint8_t)op;
    return g->n++;
}

static void class_add(uint8_t *set, int lo, int hi) {
    for (int ch = lo; ch <= hi; ch++) set[ch >> 3] |= (uint8_t)(1 << (ch & 7));
}

static void class_add_escape(uint8_t *set, char e) {
    switch (e) {
    case 'd': class_add(set, '0', '9'); break;
    case 'w':
        class_add(set, '0', '9'), class_add(set, 'a', 'z'), class_add(set, 'A', 'Z'), class_add(set, '_', '_');
        break;
    case 's': class_add(set, ' ', ' '), class_add(set, '\t', '\t'), class_add(set, '\r', '\r'); break;
    default: class_add(set, (unsigned char)e, (unsigned char)e);
    }
}

static int new_class(Compiler *c) {
    Program *g = c->prog;
    if (g->nclasses == 64) {
        g->error = "too many classes";
        return 0;
    }
    memset(g->classes[g->nclasses], 0, 32);
    return g->nclasses++;
}

static void compile_alternation(Compiler *c);

/* Code is emitted in place; a quantifier inserts a SPLIT before the atom it
   follows, so all jump targets at or after `at` shift by one. */
static void insert_at(Compiler *c, int at, int op) {
    Program *g = c->prog;
    if (g->n >= MAX_INSTS) {
        g->error = "pattern too long";
        return;
    }
    memmove(&g->inst[at + 1], &g->inst[at], (size_t)(g->n - at) * sizeof g->inst[0]);
    g->n++;
    for (int i = at + 1; i < g->n; i++) {
        Inst *in = &g->inst[i];
        if (in->op == I_SPLIT || in->op == I_JMP) {
            if (in->x >= at) in->x++;
            if (in->op == I_SPLIT && in->y >= at) in->y++;
        }
    }
    memset(&g->inst[at], 0, sizeof g->inst[0]);
    g->inst[at].op = (uint8_t)op;
}

static void compile_atom(Compiler *c) {
    char ch = *c->p++;
    switch (ch) {
    case '.': emit(c, I_ANY); break;
    case '^': emit(c, I_BOL); break;
    case '$': emit(c, I_EOL); break;
    case '(':
        compile_alternation(c);
        if (*c->p != ')') c->prog->error = "missing )";
        else c->p++;
        break;
    case '[': {
        int k = new_class(c), negate = 0;
        uint8_t *set = c->prog->classes[k];
        if (*c->p == '^') negate = 1, c->p++;
        while (*c->p && *c->p != ']') {
            int lo = (unsigned char)*c->p++;
            if (lo == '\\' && *c->p) {
                class_add_escape(set, *c->p++);
                continue;
            }
            if (c->p[0] == '-' && c->p[1] && c->p[1] != ']') {
                int hi = (unsigned char)c->p[1];
                c->p += 2;
                class_add(set, lo, hi);
            } else {
                class_add(set, lo, lo);
            }
        }
        if (*c->p != ']') {
            c->prog->error = "missing ]";
            break;
        }
        c->p++;
        if (negate)
            for (int i = 0; i < 32; i++) set[i] = (uint8_t)~set[i];
        c->prog->inst[emit(c, I_CLASS)].class_index = (int16_t)k;
        break;
    }
    case '\\': {
        char e = *c->p ? *c->p++ : '\\';
        if (e == 'd' || e == 'w' || e == 's') {
            int k = new_class(c);
            class_add_escape(c->prog->classes[k], e);
            c->prog->inst[emit(c, I_CLASS)].class_index = (int16_t)k;
        } else {
            c->prog->inst[emit(c, I_CHAR)].c = (uint8_t)e;
        }
        break;
    }
    default: c->prog->inst[emit(c, I_CHAR)].c = (uint8_t)ch;
    }
}

static void compile_piece(Compiler *c) {
    int start = c->prog->n;
    compile_atom(c);
    for (;;) {
        char q = *c->p;
        if (q != '*' && q != '+' && q != '?') return;
        c->p++;
        Program *g = c->prog;
        if (q == '*') { /* L: split body, out; body; jmp L */
            insert_at(c, start, I_SPLIT);
            int j = emit(c, I_JMP);
            g->inst[j].x = (int16_t)start;
            g->inst[start].x = (int16_t)(start + 1);
            g->inst[start].y = (int16_t)g->n;
        } else if (q == '+') { /* body; split body, out */
            int s = emit(c, I_SPLIT);
            g->inst[s].x = (int16_t)start;
            g->inst[s].y = (int16_t)g->n;
        } else { /* split body, out; body */
            insert_at(c, start, I_SPLIT);
            g->inst[start].x = (int16_t)(start + 1);
            g->inst[start].y = (int16_t)g->n;
        }
    }
}

static void compile_sequence(Compiler *c) {
    while (*c->p && *c->p != '|' && *c->p != ')' && !c->prog->error) compile_piece(c);
}

static void compile_alternation(Compiler *c) {
    int start = c->prog->n;
    compile_sequence(c);
    while (*c->p == '|' && !c->prog->error) {
        c->p++;
        /* split first, second; first; jmp end; second */
        insert_at(c, start, I_SPLIT);
        int j = emit(c, I_JMP);
        int second = c->prog->n;
        compile_sequence(c);
        c->prog->inst[start].x = (int16_t)(start + 1);
        c->prog->inst[start].y = (int16_t)second;
        c->prog->inst[j].x = (int16_t)c->prog->n;
    }
}

static int compile(const char *pattern, Program *g) {
    Compiler c = {pattern, g};
    g->n = g->nclasses = 0;
    g->error = NULL;
    compile_alternation(&c);
    if (!g->error && *c.p) g->error = "unbalanced )";
    emit(&c, I_MATCH);
    return g->error == NULL;
}

/* ---- Pike VM: breadth-first simulation, no backtracking ---- */

typedef struct {
    int16_t pcs[MAX_INSTS];
    int n;
    uint32_t generation[MAX_INSTS]; /* marks states already in the list */
} ThreadList;

typedef struct {
    ThreadList a, b;
    uint32_t gen;
    int stack[MAX_INSTS * 2];
} Matcher;

/* Adds pc and its epsilon closure; BOL/EOL are resolved at position i. */
static void add_thread(Matcher *m, const Program *g, ThreadList *list, int pc, size_t i, size_t len) {
    int sp = 0;
    m->stack[sp++] = pc;
    while (sp > 0) {
        int p = m->stack[--sp];
        if (list->generation[p] == m->gen) continue;
        list->generation[p] = m->gen;
        const Inst *in = &g->inst[p];
        switch (in->op) {
        case I_JMP: m->stack[sp++] = in->x; break;
        case I_SPLIT:
            m->stack[sp++] = in->y;
            m->stack[sp++] = in->x;
            break;
        case I_BOL:
            if (i == 0) m->stack[sp++] = p + 1;
            break;
        case I_EOL:
            if (i == len) m->stack[sp++] = p + 1;
            break;
        default: list->pcs[list->n++] = (int16_t)p;
        }
    }
}

/* Returns 1 if the pattern matches anywhere in line[0..len). */
static int search(Matcher *m, const Program *g, const uint8_t *line, size_t len) {
    ThreadList *cur = &m->a, *next = &m->b;
    cur->n = 0;
    m->gen++;
    add_thread(m, g, cur, 0, 0, len);
    for (size_t i = 0;; i++) {
        next->n = 0;
        m->gen++;
        for (int t = 0; t < cur->n; t++) {
            const Inst *in = &g->inst[cur->pcs[t]];
            if (in->op == I_MATCH) return 1;
            if (i == len) continue;
            uint8_t ch = line[i];
            int ok = in->op == I_ANY ? ch != '\n'
                     : in->op == I_CHAR ? ch == in->c
                                        : (g->classes[in->class_index][ch >> 3] >> (ch & 7)) & 1;
            if (ok) add_thread(m, g, next, cur->pcs[t] + 1, i + 1, len);
        }
        if (i == len) return 0;
        add_thread(m, g, next, 0, i + 1, len); /* unanchored: start again here */
        ThreadList *tmp = cur;
        cur = next;
        next = tmp;
    }
}

/* ---- Boyer-Moore-Horspool ---- */

static size_t count_occurrences(const uint8_t *text, size_t n, const char *needle) {
    size_t m = strlen(needle), count = 0, skip[256];
    if (m == 0 || m > n) return 0;
    for (int i = 0; i < 256; i++) skip[i] = m;
    for (size_t i = 0; i + 1 < m; i++) skip[(uint8_t)needle[i]] = m - 1 - i;
    for (size_t pos = 0; pos + m <= n;) {
        uint8_t last = text[pos + m - 1];
        if (last == (uint8_t)needle[m - 1] && memcmp(text + pos, needle, m - 1) == 0) count++;
        pos += skip[last];
    }
    return count;
}

/* ---- generated input: log-like lines ---- */

static uint64_t rng_state = 0x853C49E6748FEA9Bull;

static uint32_t rng(void) {
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33);
}

static size_t generate_text(char *out, size_t cap) {
    static const char *const levels[] = {"INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"};
    static const char *const users[] = {"alice", "bob", "carol", "dave", "erin", "mallory", "bobby", "al"};
    static const char *const paths[] = {"/api/v1/items", "/api/v1/users", "/static/app.js", "/login",
                                        "/api/v2/items/search", "/health"};
    static const int statuses[] = {200, 200, 200, 201, 204, 301, 404, 500, 502, 503};
    size_t len = 0;
    for (int line = 0; line < TEXT_LINES && len + 200 < cap; line++) {
        len += (size_t)snprintf(out + len, cap - len,
                                "2024-%02u-%02u %s user=%s%u id=%u path=%s status=%d mail=%s@%s.%s\n",
                                1 + rng() % 12, 1 + rng() % 28, levels[rng() % 6], users[rng() % 8], rng() % 50,
                                rng() % 1000000, paths[rng() % 6], statuses[rng() % 10], users[rng() % 8],
                                rng() % 2 ? "example" : "mail", rng() % 3 ? "com" : "org");
    }
    return len;
}

static const char *const PATTERNS[] = {
    "ERROR|WARN",
    "user=(alice|bob)[0-9]+ ",
    "status=5[0-9][0-9] ",
    "^2024-0[1-6]-[0-9]+ INFO .*items",
    "id=[0-9]*7[0-9]*7 ",
    "\\w+@example\\.(com|org)$",
    "(a|b)+l+(ice|ob)*[^ ]*y",
    "path=/api/v[12]/(items|users)(/search)? status=(200|404)",
    "^.*(DEBUG|WARN).*mallory.*\\.org$",
};
#define NPATTERNS (sizeof PATTERNS / sizeof PATTERNS[0])

static const char *const NEEDLES[] = {"status=503", "mallory", "/api/v2/items/search", "e", "user=al1 "};
#define NNEEDLES (sizeof NEEDLES / sizeof NEEDLES[0])

int main(int argc, char **argv) {
    int passes = argc > 1 ? atoi(argv[1]) : DEFAULT_PASSES;
    size_t cap = (size_t)TEXT_LINES * 160;
    char *text = malloc(cap);
    static Program programs[NPATTERNS];
    static Matcher matcher;
    if (!text) return 2;
    size_t n = generate_text(text, cap);
    for (size_t p = 0; p < NPATTERNS; p++) {
        if (!compile(PATTERNS[p], &programs[p])) {
            fprintf(stderr, "pattern %zu: %s\n", p, programs[p].error);
            return 1;
        }
    }
    size_t line_hits[NPATTERNS] = {0}, needle_hits[NNEEDLES] = {0};
    for (int pass = 0; pass < passes; pass++) {
        for (size_t p = 0; p < NPATTERNS; p++) {
            const uint8_t *s = (const uint8_t *)text, *end = s + n;
            while (s < end) {
                const uint8_t *eol = memchr(s, '\n', (size_t)(end - s));
                if (!eol) eol = end;
                line_hits[p] += (size_t)search(&matcher, &programs[p], s, (size_t)(eol - s));
                s = eol + 1;
            }
        }
        for (size_t k = 0; k < NNEEDLES; k++) needle_hits[k] += count_occurrences((const uint8_t *)text, n, NEEDLES[k]);
    }
    printf("passes %d text %zu bytes\n", passes, n);
    for (size_t p = 0; p < NPATTERNS; p++) printf("%zu /%s/\n", line_hits[p], PATTERNS[p]);
    for (size_t k = 0; k < NNEEDLES; k++) printf("%zu \"%s\"\n", needle_hits[k], NEEDLES[k]);
    if (argc > 2 && strcmp(argv[2], "dump") == 0) {
        printf("text:\n");
        fwrite(text, 1, n, stdout);
    }
    free(text);
    return 0;
}
