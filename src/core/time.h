/*
 * time.h - leadq's notion of time: UTC milliseconds since the Unix epoch
 * inside, ISO 8601 outside, durations written as "30d", "24h", "90m".
 *
 * Nothing here reads the clock; the CLI reads it once (or takes --now /
 * LEADQ_NOW) and passes it down.
 */
#ifndef LQ_TIME_H
#define LQ_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef int64_t lq_time;   /* ms since 1970-01-01T00:00:00Z */
typedef int64_t lq_dur;    /* ms */

#define LQ_MS_SECOND 1000LL
#define LQ_MS_MINUTE (60LL * LQ_MS_SECOND)
#define LQ_MS_HOUR (60LL * LQ_MS_MINUTE)
#define LQ_MS_DAY (24LL * LQ_MS_HOUR)
#define LQ_MS_WEEK (7LL * LQ_MS_DAY)

/* Accepted range: years 1900..9999. */
#define LQ_TIME_MIN (-2208988800000LL)
#define LQ_TIME_MAX (253402300799999LL)

/* Parse ISO 8601: "2026-03-01", "2026-03-01T10:00", "2026-03-01T10:00:00",
 * optional ".fff" fraction, optional "Z" or "+HH:MM"/"-HH:MM" (a space may
 * stand for "T"). Dates are checked (no 31 February). */
int lq_time_parse_iso(const char *s, lq_time *out, lq_error *err);

/* Parse with a strptime(3) format, in UTC; the whole string must match. */
int lq_time_parse_fmt(const char *s, const char *fmt, lq_time *out,
		      lq_error *err);

/* Parse with fmt when non-NULL, else ISO 8601. */
int lq_time_parse(const char *s, const char *fmt, lq_time *out, lq_error *err);

/* Format as "2026-03-01T10:00:00Z" (".123" added when ms != 0).
 * out must hold at least LQ_TIME_STRLEN bytes. */
#define LQ_TIME_STRLEN 32
void lq_time_format(lq_time t, char *out);

/* ---- calendar (proleptic Gregorian, UTC) ---- */

/* floor(a / b) for b > 0: days and weeks before 1970 round down. */
int64_t lq_floor_div(int64_t a, int64_t b);
/* Days since 1970-01-01 of a civil date (month 1-12, day 1-31). */
int64_t lq_days_from_civil(int64_t year, int month, int day);
/* The civil date of day z since 1970-01-01. */
void lq_civil_from_days(int64_t z, int64_t *year, int *month, int *day);
/* Monday 00:00 UTC of the ISO week holding t. */
lq_time lq_time_week_start(lq_time t);
/* ISO year and week number (1-53) of the week holding t: those of the
 * week's Thursday. */
void lq_time_iso_week(lq_time t, int *iso_year, int *iso_week);

/* Parse a duration: a positive integer followed by a unit among
 * s, m, h, d, w ("30d", "24h"). Several parts may follow each other
 * ("1d12h"). */
int lq_dur_parse(const char *s, lq_dur *out, lq_error *err);

/* Format a duration the short way ("30d", "1d12h", "45m", "0s"). */
void lq_dur_format(lq_dur d, char *out, size_t outsz);

#endif
