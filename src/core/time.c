/*
 * time.c - parsing and formatting UTC times and durations. Never reads the
 * clock.
 */
#include "core/time.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

int64_t lq_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t lq_days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = lq_floor_div(y, 400);
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void lq_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = lq_floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

lq_time lq_time_week_start(lq_time t)
{
	/* 1970-01-01 was a Thursday: Mondays sit 3 days before multiples of a
	 * week counted from it. */
	return lq_floor_div(t + 3 * LQ_MS_DAY, LQ_MS_WEEK) * LQ_MS_WEEK -
	       3 * LQ_MS_DAY;
}

void lq_time_iso_week(lq_time t, int *iso_year, int *iso_week)
{
	int64_t thursday = lq_floor_div(lq_time_week_start(t), LQ_MS_DAY) + 3;
	int64_t y;
	int m, d;
	lq_civil_from_days(thursday, &y, &m, &d);
	*iso_year = (int)y;
	*iso_week = (int)((thursday - lq_days_from_civil(y, 1, 1)) / 7 + 1);
}

/* Read exactly n digits. */
static int read_digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int bad_time(lq_error *err, const char *s, const char *why)
{
	return lq_error_set(err, LQ_EINVAL, "invalid time \"%.64s\": %s", s, why);
}

static int make_time(int64_t y, int mo, int d, int h, int mi, int sec, int ms,
		     int64_t offset_min, lq_time *out, const char *s,
		     lq_error *err)
{
	if (y < 1900 || y > 9999)
		return bad_time(err, s, "year out of range 1900-9999");
	if (mo < 1 || mo > 12)
		return bad_time(err, s, "month out of range");
	if (d < 1 || d > days_in_month(y, mo))
		return bad_time(err, s, "day out of range");
	if (h > 23 || mi > 59 || sec > 60)
		return bad_time(err, s, "time of day out of range");
	if (sec == 60)
		sec = 59;
	int64_t days = lq_days_from_civil(y, mo, d);
	*out = ((days * 24 + h) * 60 + mi - offset_min) * LQ_MS_MINUTE +
	       sec * LQ_MS_SECOND + ms;
	return 0;
}

int lq_time_parse_iso(const char *s, lq_time *out, lq_error *err)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
	int64_t off = 0;

	if (!s || !*s)
		return bad_time(err, "", "empty");
	if (read_digits(&p, 4, &y) || *p++ != '-' || read_digits(&p, 2, &mo) ||
	    *p++ != '-' || read_digits(&p, 2, &d))
		return bad_time(err, s, "expected YYYY-MM-DD");
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (read_digits(&p, 2, &h) || *p++ != ':' ||
		    read_digits(&p, 2, &mi))
			return bad_time(err, s, "expected HH:MM after the date");
		if (*p == ':') {
			p++;
			if (read_digits(&p, 2, &sec))
				return bad_time(err, s, "expected seconds");
			if (*p == '.' || *p == ',') {
				p++;
				int scale = 100, n = 0;
				if (!isdigit((unsigned char)*p))
					return bad_time(err, s, "expected a fraction");
				for (; isdigit((unsigned char)*p); p++, n++)
					if (n < 3) {
						ms += (*p - '0') * scale;
						scale /= 10;
					}
			}
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
			if (read_digits(&p, 2, &oh))
				return bad_time(err, s, "expected a UTC offset");
			if (*p == ':')
				p++;
			if (isdigit((unsigned char)*p) && read_digits(&p, 2, &om))
				return bad_time(err, s, "expected a UTC offset");
			if (oh > 23 || om > 59)
				return bad_time(err, s, "UTC offset out of range");
			off = sign * (oh * 60 + om);
		}
	}
	if (*p)
		return bad_time(err, s, "unexpected text after the time");
	return make_time(y, mo, d, h, mi, sec, ms, off, out, s, err);
}

int lq_time_parse_fmt(const char *s, const char *fmt, lq_time *out,
		      lq_error *err)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_mday = 1;
	if (!s || !*s)
		return bad_time(err, "", "empty");
	const char *end = strptime(s, fmt, &tm);
	if (!end || *end)
		return lq_error_set(err, LQ_EINVAL,
				    "invalid time \"%.64s\": does not match format \"%s\"",
				    s, fmt);
	return make_time((int64_t)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec, 0, 0, out, s, err);
}

int lq_time_parse(const char *s, const char *fmt, lq_time *out, lq_error *err)
{
	return fmt && *fmt ? lq_time_parse_fmt(s, fmt, out, err)
			   : lq_time_parse_iso(s, out, err);
}

void lq_time_format(lq_time t, char *out)
{
	int64_t days = t / LQ_MS_DAY, rem = t % LQ_MS_DAY;
	if (rem < 0) {
		rem += LQ_MS_DAY;
		days--;
	}
	int64_t y;
	int m, d;
	lq_civil_from_days(days, &y, &m, &d);
	int h = (int)(rem / LQ_MS_HOUR), mi = (int)(rem / LQ_MS_MINUTE % 60);
	int sec = (int)(rem / LQ_MS_SECOND % 60), ms = (int)(rem % 1000);
	if (ms)
		snprintf(out, LQ_TIME_STRLEN, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ",
			 (long long)y, m, d, h, mi, sec, ms);
	else
		snprintf(out, LQ_TIME_STRLEN, "%04lld-%02d-%02dT%02d:%02d:%02dZ",
			 (long long)y, m, d, h, mi, sec);
}

static lq_dur unit_ms(char u)
{
	switch (u) {
	case 's': return LQ_MS_SECOND;
	case 'm': return LQ_MS_MINUTE;
	case 'h': return LQ_MS_HOUR;
	case 'd': return LQ_MS_DAY;
	case 'w': return LQ_MS_WEEK;
	default: return 0;
	}
}

int lq_dur_parse(const char *s, lq_dur *out, lq_error *err)
{
	const char *p = s;
	lq_dur total = 0;

	if (!s || !*s)
		return lq_error_set(err, LQ_EINVAL, "empty duration");
	while (*p) {
		if (*p == '-')
			return lq_error_set(err, LQ_EINVAL,
					    "negative duration \"%.64s\"", s);
		if (!isdigit((unsigned char)*p))
			return lq_error_set(err, LQ_EINVAL,
					    "invalid duration \"%.64s\": expected a number followed by s, m, h, d or w",
					    s);
		int64_t n = 0;
		for (; isdigit((unsigned char)*p); p++) {
			n = n * 10 + (*p - '0');
			if (n > 1000000000LL)
				return lq_error_set(err, LQ_EINVAL,
						    "duration \"%.64s\" is too large", s);
		}
		lq_dur u = unit_ms(*p);
		if (!u)
			return lq_error_set(err, LQ_EINVAL,
					    "invalid duration \"%.64s\": unit must be s, m, h, d or w",
					    s);
		p++;
		total += n * u;
		if (total > 100LL * 365 * LQ_MS_DAY)
			return lq_error_set(err, LQ_EINVAL,
					    "duration \"%.64s\" is too large (100 years at most)", s);
	}
	*out = total;
	return 0;
}

void lq_dur_format(lq_dur d, char *out, size_t outsz)
{
	static const struct { lq_dur ms; char unit; } units[] = {
		{LQ_MS_DAY, 'd'}, {LQ_MS_HOUR, 'h'}, {LQ_MS_MINUTE, 'm'},
		{LQ_MS_SECOND, 's'}};
	size_t n = 0;
	if (outsz == 0)
		return;
	out[0] = '\0';
	if (d < 0) {
		n += (size_t)snprintf(out, outsz, "-");
		d = -d;
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0] && n < outsz; i++) {
		if (d >= units[i].ms) {
			n += (size_t)snprintf(out + n, outsz - n, "%lld%c",
					      (long long)(d / units[i].ms), units[i].unit);
			d %= units[i].ms;
		}
	}
	if (out[0] == '\0' || (out[0] == '-' && out[1] == '\0'))
		snprintf(out, outsz, "0s");
}
