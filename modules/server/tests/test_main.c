/* test_main.c — runs the server module's native unit tests. */
#include "check.h"

CHECK_COUNTERS;

void test_codec(void);
void test_topic(void);
void test_broker(void);

int main(void) {
    test_codec();
    test_topic();
    test_broker();
    return check_summary();
}
