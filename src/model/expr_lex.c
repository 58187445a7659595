/*
 * expr_lex.c - the lexer of the rule expression language: turns the text
 * at the parser's position into one token (names, keywords, numbers,
 * durations, strings, list words, operators) and reports bad input with
 * its byte offset. It never allocates except in lq_expr_tok_text.
 */
#include "model/expr_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/time.h"

static const struct {
	const char *word;
	lq_tok_kind kind;
} keywords[] = {
	{"and", T_AND}, {"or", T_OR}, {"not", T_NOT}, {"in", T_IN},
	{"between", T_BETWEEN}, {"contains", T_CONTAINS},
	{"starts_with", T_STARTS}, {"ends_with", T_ENDS},
	{"matches", T_MATCHES}, {"exists", T_EXISTS},
};

static const struct {
	const char *text;
	lq_tok_kind kind;
} puncts[] = {
	{"==", T_EQ}, {"!=", T_NE}, {"<=", T_LE}, {">=", T_GE},
	{"<", T_LT}, {">", T_GT}, {"(", T_LPAREN}, {")", T_RPAREN},
	{"[", T_LBRACK}, {"]", T_RBRACK}, {",", T_COMMA},
};

int lq_expr_fail(lq_xp *p, size_t off, const char *fmt, ...)
{
	char msg[sizeof p->err->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (off > (size_t)1 << 20)
		off = 0;
	return lq_error_at(p->err, LQ_EINVAL, p->pos.file, p->pos.line,
			   p->pos.col + (int)off, "%s", msg);
}

static int is_name_start(int c)
{
	return isalpha(c) || c == '_';
}

static int is_name_char(int c)
{
	return isalnum(c) || c == '_' || c == '-';
}

/* A bare list word ends at blanks and at the list's punctuation. */
static int is_word_char(int c)
{
	return c > ' ' && c != 0x7f && !strchr(",[]()\"'$", c);
}

static size_t skip_blanks(const lq_xp *p, size_t i)
{
	while (i < p->len && isspace((unsigned char)p->text[i]))
		i++;
	return i;
}

/* Length of the plain number at s (digits, fraction, exponent), 0 if none. */
static size_t number_len(const char *s, size_t max)
{
	size_t i = 0, digits = 0;

	if (i < max && s[i] == '-')
		i++;
	for (; i < max && isdigit((unsigned char)s[i]); i++)
		digits++;
	if (i < max && s[i] == '.') {
		for (i++; i < max && isdigit((unsigned char)s[i]); i++)
			digits++;
	}
	if (!digits)
		return 0;
	if (i < max && (s[i] == 'e' || s[i] == 'E')) {
		size_t j = i + 1;
		if (j < max && (s[j] == '+' || s[j] == '-'))
			j++;
		if (j < max && isdigit((unsigned char)s[j])) {
			while (j < max && isdigit((unsigned char)s[j]))
				j++;
			i = j;
		}
	}
	return i;
}

/* The number s[0..n); NAN when it does not fit a double (1e400) or is
 * too long to be read whole (digits would be dropped). */
static double slice_num(const char *s, size_t n)
{
	char tmp[64];
	if (n >= sizeof tmp)
		return NAN;
	snprintf(tmp, sizeof tmp, "%.*s", (int)n, s);
	double x = strtod(tmp, NULL);
	return isfinite(x) ? x : NAN;
}

static int bad_number(lq_xp *p, size_t i, const char *s, size_t n)
{
	if (n >= 64)
		return lq_expr_fail(p, i, "number '%.20s...' is too long (63 characters at most)", s);
	return lq_expr_fail(p, i, "number '%.*s' is out of range", (int)n, s);
}

/* Classify the word s[0..n) that starts like a number: T_NUM, T_DUR, or
 * T_EOF when it is neither (with *neg set when it was a signed duration). */
static lq_tok_kind classify_number(const char *s, size_t n, double *num,
				   int *neg)
{
	char tmp[64];
	lq_dur d;

	*neg = 0;
	if (number_len(s, n) == n) {
		*num = slice_num(s, n);
		return T_NUM;
	}
	if (n >= sizeof tmp)
		return T_EOF;
	snprintf(tmp, sizeof tmp, "%.*s", (int)n, s);
	if (tmp[0] == '-') {
		*neg = lq_dur_parse(tmp + 1, &d, NULL) == 0;
		return T_EOF;
	}
	if (lq_dur_parse(tmp, &d, NULL) != 0)
		return T_EOF;
	*num = (double)d / (double)LQ_MS_SECOND;
	return T_DUR;
}

static int lex_number(lq_xp *p, size_t i)
{
	const char *s = p->text + i;
	size_t n = number_len(s, p->len - i);
	int neg;

	while (i + n < p->len && (is_name_char((unsigned char)s[n]) || s[n] == '.'))
		n++;
	p->tok.off = i;
	p->tok.len = n;
	p->tok.kind = classify_number(s, n, &p->tok.num, &neg);
	if (p->tok.kind == T_NUM && isnan(p->tok.num))
		return bad_number(p, i, s, n);
	if (p->tok.kind != T_EOF)
		return 0;
	if (neg)
		return lq_expr_fail(p, i, "negative duration '%.*s'", (int)n, s);
	return lq_expr_fail(p, i, "bad duration '%.*s' (expected a whole number followed by s, m, h, d or w, e.g. 30d)",
			    (int)(n > 64 ? 64 : n), s);
}

static int lex_string(lq_xp *p, size_t i)
{
	char q = p->text[i];
	size_t j = i + 1;

	while (j < p->len && p->text[j] != q) {
		if (p->text[j] == '\\' && j + 1 < p->len)
			j++;
		j++;
	}
	if (j >= p->len)
		return lq_expr_fail(p, i, "unterminated string (missing %c)", q);
	p->tok.kind = T_STR;
	p->tok.off = i;
	p->tok.len = j + 1 - i;
	return 0;
}

static int lex_name(lq_xp *p, size_t i)
{
	size_t j = i;
	int dotted = 0;

	for (;;) {
		while (j < p->len && is_name_char((unsigned char)p->text[j]))
			j++;
		if (j + 1 < p->len && p->text[j] == '.' &&
		    is_name_char((unsigned char)p->text[j + 1])) {
			dotted = 1;
			j++;
			continue;
		}
		break;
	}
	p->tok.kind = T_NAME;
	p->tok.off = i;
	p->tok.len = j - i;
	for (size_t k = 0; !dotted && k < sizeof keywords / sizeof keywords[0]; k++)
		if (strlen(keywords[k].word) == j - i &&
		    strncasecmp(keywords[k].word, p->text + i, j - i) == 0)
			p->tok.kind = keywords[k].kind;
	return 0;
}

static int lex_listref(lq_xp *p, size_t i)
{
	size_t j = i + 1;

	if (j >= p->len || !is_name_start((unsigned char)p->text[j]))
		return lq_expr_fail(p, i, "expected a list name after '$'");
	while (j < p->len && is_name_char((unsigned char)p->text[j]))
		j++;
	p->tok.kind = T_LISTREF;
	p->tok.off = i;
	p->tok.len = j - i;
	return 0;
}

static int lex_punct(lq_xp *p, size_t i)
{
	const char *s = p->text + i;
	static const struct { char c; const char *hint; } bad[] = {
		{'=', " (did you mean ==?)"}, {'!', " (use not or !=)"},
		{'&', " (use and)"}, {'|', " (use or)"},
	};

	for (size_t k = 0; k < sizeof puncts / sizeof puncts[0]; k++) {
		size_t n = strlen(puncts[k].text);
		if (i + n <= p->len && memcmp(s, puncts[k].text, n) == 0) {
			p->tok.kind = puncts[k].kind;
			p->tok.off = i;
			p->tok.len = n;
			return 0;
		}
	}
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
		if (*s == bad[k].c)
			return lq_expr_fail(p, i, "unexpected '%c'%s", *s,
					    bad[k].hint);
	if (isprint((unsigned char)*s))
		return lq_expr_fail(p, i, "unexpected character '%c'", *s);
	return lq_expr_fail(p, i, "unexpected byte 0x%02x",
			    (unsigned)(unsigned char)*s);
}

/* In a list: a quoted string, a number, a duration, or a bare word. */
static int lex_list_item(lq_xp *p, size_t i)
{
	const char *s = p->text + i;
	size_t n = 0;
	int neg;

	if (*s == '"' || *s == '\'')
		return lex_string(p, i);
	if (*s == ',' || *s == ']')
		return lex_punct(p, i);
	while (i + n < p->len && is_word_char((unsigned char)s[n]))
		n++;
	if (n == 0)
		return lq_expr_fail(p, i, "unexpected '%c' in a list", *s);
	p->tok.off = i;
	p->tok.len = n;
	p->tok.kind = T_WORD;
	if (isdigit((unsigned char)*s) || (*s == '-' && n > 1)) {
		lq_tok_kind k = classify_number(s, n, &p->tok.num, &neg);
		if (k == T_NUM && isnan(p->tok.num))
			return bad_number(p, i, s, n);
		if (k != T_EOF)
			p->tok.kind = k;
	}
	return 0;
}

int lq_expr_lex(lq_xp *p, int list_mode)
{
	size_t i = skip_blanks(p, p->tok.off + p->tok.len);
	int c;

	if (i >= p->len) {
		p->tok.kind = T_EOF;
		p->tok.off = p->len;
		p->tok.len = 0;
		return 0;
	}
	c = (unsigned char)p->text[i];
	if (list_mode)
		return lex_list_item(p, i);
	if (isdigit(c) || (c == '-' && i + 1 < p->len &&
			   (isdigit((unsigned char)p->text[i + 1]) ||
			    p->text[i + 1] == '.')))
		return lex_number(p, i);
	if (c == '"' || c == '\'')
		return lex_string(p, i);
	if (is_name_start(c))
		return lex_name(p, i);
	if (c == '$')
		return lex_listref(p, i);
	return lex_punct(p, i);
}

char *lq_expr_tok_text(const lq_xp *p, const lq_tok *t)
{
	const char *s = p->text + t->off;
	lq_buf b = LQ_BUF_INIT;

	if (t->kind != T_STR)
		return lq_xstrndup(s, t->len);
	lq_buf_add(&b, "", 0);
	for (size_t i = 1; i + 1 < t->len; i++) {
		if (s[i] == '\\' && i + 2 < t->len &&
		    (s[i + 1] == '"' || s[i + 1] == '\'' || s[i + 1] == '\\'))
			i++;
		lq_buf_addc(&b, s[i]);
	}
	return lq_buf_take(&b);
}

void lq_expr_tok_describe(const lq_xp *p, const lq_tok *t, char *out,
			  size_t outsz)
{
	if (t->kind == T_EOF)
		snprintf(out, outsz, "end of expression");
	else
		snprintf(out, outsz, "'%.*s'", (int)(t->len > 60 ? 60 : t->len),
			 p->text + t->off);
}
