/*
 * fuzz_expr.c - libFuzzer harness for the rule expression language
 * (model/expr_lex.c, expr_parse.c, expr_check.c, expr_eval.c).
 *
 * The input is one expression. It is parsed in every context (fit, action,
 * stage, hand-raiser, routing) against two named lists; whatever parses is
 * evaluated against a full sample lead (account, attributes, events) and
 * against an empty environment. A parse may fail (with a message and a
 * position inside the text); it must never crash, leak or read out of
 * bounds, and evaluation must never fail.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "model/expr.h"

static lq_named_list lists[2];
static fz_sample sample;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	lists[0].name = "freemail";
	lists[0].items = lq_value_list_split("gmail.com;yahoo.com;Hotmail.com", ';');
	lists[1].name = "sizes";
	lists[1].items = (lq_value){.kind = LQ_V_LIST};
	lq_value_list_push(&lists[1].items, lq_value_num(50));
	lq_value_list_push(&lists[1].items, lq_value_str("big"));
	fz_sample_init(&sample);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned ctxs[] = {LQ_CTX_FIT, LQ_CTX_ACTION, LQ_CTX_STAGE,
					LQ_CTX_HAND_RAISER, LQ_CTX_ROUTING};
	char *text = fz_cstr(data, size);
	lq_src_pos pos = {"fuzz.yaml", 3, 11};

	for (size_t c = 0; c < sizeof ctxs / sizeof ctxs[0]; c++) {
		lq_error err;
		lq_expr *e = lq_expr_parse(text, ctxs[c], lists, 2, pos, &err);
		if (!e) {
			/* a refusal always says why, lowercase, at a position */
			if (!err.msg[0] || err.line < 3 || err.col < 11)
				abort();
			continue;
		}
		if (strcmp(lq_expr_text(e), text) != 0)
			abort();
		for (int i = 0; i < 3; i++) {
			lq_eval_env env = {
				.lead = &sample.who.lead, .account = &sample.who.account,
				.event = &sample.ev[i].event, .has_score = 1, .fit = 35,
				.channel = 10, .grade = "ABF"[i], .engagement = 12.5,
				.score = 57.5};
			(void)lq_expr_eval(e, &env);
		}
		lq_eval_env empty = {0};
		(void)lq_expr_eval(e, &empty);
		(void)lq_expr_uses_event(e);
		lq_expr_free(e);
	}
	free(text);
	return 0;
}
