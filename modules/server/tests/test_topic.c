/* test_topic.c — topic names, filters and matching (§4.7), with the spec's
 * own examples. */
#include "check.h"
#include "mqtt_topic.h"

#define S(s) s, sizeof(s) - 1
#define MATCH(f, t) mqtt_topic_matches(S(f), S(t))
#define NAME_OK(t) mqtt_topic_name_is_valid(S(t))
#define FILTER_OK(f) mqtt_topic_filter_is_valid(S(f))

static void test_validity(void) {
    /* §4.7.1.2 and §4.7.1.3 */
    CHECK(FILTER_OK("sport/tennis/player1/#"));
    CHECK(FILTER_OK("sport/#"));
    CHECK(FILTER_OK("#"));
    CHECK(!FILTER_OK("sport/tennis#"));
    CHECK(!FILTER_OK("sport/tennis/#/ranking"));
    CHECK(!FILTER_OK("#/a"));
    CHECK(FILTER_OK("+"));
    CHECK(FILTER_OK("+/tennis/#"));
    CHECK(!FILTER_OK("sport+"));
    CHECK(!FILTER_OK("+sport"));
    CHECK(FILTER_OK("sport/+/player1"));
    CHECK(FILTER_OK("/+"));
    CHECK(FILTER_OK("+/+"));
    CHECK(FILTER_OK("a//b"));
    CHECK(FILTER_OK("$SYS/#"));
    CHECK(!FILTER_OK(""));
    CHECK(!mqtt_topic_filter_is_valid("a\0b", 3));
    CHECK(!mqtt_topic_filter_is_valid("\xC3", 1));

    CHECK(NAME_OK("sport/tennis"));
    CHECK(NAME_OK("/"));
    CHECK(NAME_OK("a//b"));
    CHECK(NAME_OK("$SYS/broker"));
    CHECK(NAME_OK("caf\xC3\xA9"));
    CHECK(!NAME_OK(""));
    CHECK(!NAME_OK("a/+"));
    CHECK(!NAME_OK("a/#"));
    CHECK(!NAME_OK("a+b"));
    CHECK(!mqtt_topic_name_is_valid("a\0", 2));
}

static void test_matching(void) {
    /* §4.7.1.2: multi-level wildcard */
    CHECK(MATCH("sport/tennis/player1/#", "sport/tennis/player1"));
    CHECK(MATCH("sport/tennis/player1/#", "sport/tennis/player1/ranking"));
    CHECK(MATCH("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon"));
    CHECK(MATCH("sport/#", "sport"));
    CHECK(MATCH("#", "sport/tennis"));
    CHECK(MATCH("#", "/"));
    CHECK(!MATCH("sport/tennis/player1/#", "sport/tennis/player2"));
    /* §4.7.1.3: single-level wildcard */
    CHECK(MATCH("sport/tennis/+", "sport/tennis/player1"));
    CHECK(MATCH("sport/tennis/+", "sport/tennis/player2"));
    CHECK(!MATCH("sport/tennis/+", "sport/tennis/player1/ranking"));
    CHECK(!MATCH("sport/+", "sport"));
    CHECK(MATCH("sport/+", "sport/"));
    CHECK(MATCH("+/+", "/finance"));
    CHECK(MATCH("/+", "/finance"));
    CHECK(!MATCH("+", "/finance"));
    CHECK(MATCH("+", "finance"));
    CHECK(MATCH("+/tennis/#", "sport/tennis"));
    CHECK(MATCH("+/tennis/#", "sport/tennis/x/y"));
    CHECK(MATCH("a/+/#", "a/b"));
    CHECK(MATCH("a/+/#", "a/b/c/d"));
    CHECK(!MATCH("a/+/#", "a"));
    CHECK(MATCH("a/+/c", "a//c"));
    /* Exact levels; case and length matter. */
    CHECK(MATCH("a/b", "a/b"));
    CHECK(!MATCH("a/b", "a/b/c"));
    CHECK(!MATCH("a/b/c", "a/b"));
    CHECK(!MATCH("a/b", "A/b"));
    CHECK(!MATCH("a/b", "a/bc"));
    CHECK(!MATCH("a/bc", "a/b"));
    CHECK(!MATCH("a", "a/"));
    CHECK(MATCH("a/", "a/"));
    /* §4.7.2: topics beginning with $ */
    CHECK(!MATCH("#", "$SYS/monitor/Clients"));
    CHECK(!MATCH("+/monitor/Clients", "$SYS/monitor/Clients"));
    CHECK(MATCH("$SYS/#", "$SYS/monitor/Clients"));
    CHECK(MATCH("$SYS/monitor/+", "$SYS/monitor/Clients"));
    CHECK(MATCH("$SYS/#", "$SYS"));
    CHECK(!MATCH("+", "$SYS"));
    CHECK(MATCH("a/+", "a/$b")); /* only the first level is special */
    CHECK(MATCH("a/#", "a/$b"));
}

void test_topic(void) {
    test_validity();
    test_matching();
}
