/*
 * test_time.c - ISO 8601 and strptime parsing, formatting, durations.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/time.h"

static lq_time parse_ok(const char *s)
{
	lq_time t = 0;
	lq_error err;
	lq_error_clear(&err);
	assert_int_equal(lq_time_parse_iso(s, &t, &err), 0);
	return t;
}

static void parse_bad(const char *s, const char *why)
{
	lq_time t;
	lq_error err;
	lq_error_clear(&err);
	assert_int_equal(lq_time_parse_iso(s, &t, &err), LQ_EINVAL);
	assert_non_null(strstr(err.msg, why));
}

static void test_iso_forms(void **state)
{
	assert_int_equal(parse_ok("1970-01-01"), 0);
	assert_int_equal(parse_ok("1970-01-01T00:00:01Z"), 1000);
	assert_int_equal(parse_ok("2026-03-01T10:00:00Z"), 1772359200000LL);
	assert_int_equal(parse_ok("2026-03-01T10:00Z"), 1772359200000LL);
	assert_int_equal(parse_ok("2026-03-01 10:00:00"), 1772359200000LL);
	assert_int_equal(parse_ok("2026-03-01T12:00:00+02:00"), 1772359200000LL);
	assert_int_equal(parse_ok("2026-03-01T05:30:00-0430"), 1772359200000LL);
	assert_int_equal(parse_ok("2026-03-01T10:00:00.250Z"), 1772359200250LL);
	assert_int_equal(parse_ok("2024-02-29"), parse_ok("2024-03-01") - LQ_MS_DAY);
}

static void test_iso_errors(void **state)
{
	parse_bad("", "empty");
	parse_bad("2026-02-30", "day out of range");
	parse_bad("2025-02-29", "day out of range");
	parse_bad("2026-13-01", "month out of range");
	parse_bad("0999-01-01", "year out of range");
	parse_bad("2026-03-01T25:00", "time of day out of range");
	parse_bad("2026-03-01x", "unexpected text");
	parse_bad("01-03-2026", "expected YYYY-MM-DD");
}

static void test_strptime_formats(void **state)
{
	lq_time t;
	lq_error err;
	assert_int_equal(lq_time_parse("01-03-2026", "%d-%m-%Y", &t, &err), 0);
	assert_int_equal(t, parse_ok("2026-03-01"));
	assert_int_equal(lq_time_parse("26-02-2018 19:58", "%d-%m-%Y %H:%M", &t, &err), 0);
	assert_int_equal(t, parse_ok("2018-02-26T19:58:00Z"));
	assert_int_equal(lq_time_parse("2018-02-26", "%d-%m-%Y", &t, &err), LQ_EINVAL);
	assert_non_null(strstr(err.msg, "does not match format"));
	assert_int_equal(lq_time_parse("31-02-2018", "%d-%m-%Y", &t, &err), LQ_EINVAL);
}

static void test_format_round_trip(void **state)
{
	char s[LQ_TIME_STRLEN];
	lq_time_format(1772359200000LL, s);
	assert_string_equal(s, "2026-03-01T10:00:00Z");
	lq_time_format(1772359200250LL, s);
	assert_string_equal(s, "2026-03-01T10:00:00.250Z");
	lq_time_format(-LQ_MS_DAY, s);
	assert_string_equal(s, "1969-12-31T00:00:00Z");
	assert_int_equal(parse_ok(s), -LQ_MS_DAY);
}

static void test_durations(void **state)
{
	lq_dur d;
	lq_error err;
	char s[32];
	assert_int_equal(lq_dur_parse("30d", &d, &err), 0);
	assert_int_equal(d, 30 * LQ_MS_DAY);
	assert_int_equal(lq_dur_parse("1d12h", &d, &err), 0);
	assert_int_equal(d, 36 * LQ_MS_HOUR);
	assert_int_equal(lq_dur_parse("2w", &d, &err), 0);
	assert_int_equal(d, 14 * LQ_MS_DAY);
	assert_int_equal(lq_dur_parse("0d", &d, &err), 0);
	assert_int_equal(d, 0);
	assert_int_equal(lq_dur_parse("-5d", &d, &err), LQ_EINVAL);
	assert_non_null(strstr(err.msg, "negative duration"));
	assert_int_equal(lq_dur_parse("5", &d, &err), LQ_EINVAL);
	assert_int_equal(lq_dur_parse("5y", &d, &err), LQ_EINVAL);
	assert_int_equal(lq_dur_parse("99999999999d", &d, &err), LQ_EINVAL);
	lq_dur_format(36 * LQ_MS_HOUR, s, sizeof s);
	assert_string_equal(s, "1d12h");
	lq_dur_format(0, s, sizeof s);
	assert_string_equal(s, "0s");
}

static void test_iso_weeks(void **state)
{
	static const struct { const char *day, *monday; int year, week; } cases[] = {
		{"2026-01-01", "2025-12-29", 2026, 1},   /* a Thursday */
		{"2027-01-01", "2026-12-28", 2026, 53},  /* a Friday: last year's */
		{"2021-01-03", "2020-12-28", 2020, 53},  /* a Sunday */
		{"2026-03-10", "2026-03-09", 2026, 11},
		{"1969-12-31", "1969-12-29", 1970, 1},   /* before the epoch */
		{"2018-12-31", "2018-12-31", 2019, 1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int y, w;
		lq_time t = parse_ok(cases[i].day) + 13 * LQ_MS_HOUR;
		assert_int_equal(lq_time_week_start(t), parse_ok(cases[i].monday));
		lq_time_iso_week(t, &y, &w);
		assert_int_equal(y, cases[i].year);
		assert_int_equal(w, cases[i].week);
	}
	int64_t y;
	int m, d;
	lq_civil_from_days(lq_days_from_civil(2024, 2, 29), &y, &m, &d);
	assert_true(y == 2024 && m == 2 && d == 29);
	assert_int_equal(lq_floor_div(-1, 7), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso_forms),
		cmocka_unit_test(test_iso_errors),
		cmocka_unit_test(test_strptime_formats),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_iso_weeks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
