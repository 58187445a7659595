/*
 * test_json_arena.c - cJSON's allocations from an arena during a decode:
 * malloc as before until the hooks are installed and outside begin/end;
 * between them every block comes from the arena's chunks (aligned, the
 * chunks growing for a large text), a block taken before begin is freed
 * normally inside, an inner begin borrows the current arena, end gives
 * every chunk back, and threads do not share arenas.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "io/json_arena.h"

/* An object of n members, each a string, a number and a nested array. */
static char *big_text(int n)
{
	lq_buf b = {0};
	lq_buf_add(&b, "{", 1);
	for (int i = 0; i < n; i++) {
		char item[96];
		int len = snprintf(item, sizeof item,
				   "%s\"k%d\":{\"s\":\"value %d\",\"n\":%d,"
				   "\"a\":[1,2,\"x\"]}", i ? "," : "", i, i, i);
		lq_buf_add(&b, item, (size_t)len);
	}
	lq_buf_adds(&b, "}");
	return b.data;
}

/* Parse text and check what it holds; the tree is deleted. */
static void parse_and_check(const char *text, int n)
{
	cJSON *j = cJSON_Parse(text);
	assert_non_null(j);
	assert_int_equal(cJSON_GetArraySize(j), n);
	char key[16];
	snprintf(key, sizeof key, "k%d", n - 1);
	const cJSON *last = cJSON_GetObjectItemCaseSensitive(j, key);
	assert_non_null(last);
	assert_int_equal(cJSON_GetObjectItem(last, "n")->valueint, n - 1);
	char *printed = cJSON_PrintUnformatted(last);   /* through the hooks */
	assert_non_null(printed);
	assert_non_null(strstr(printed, "\"a\":[1,2,\"x\"]"));
	cJSON_free(printed);
	cJSON_Delete(j);
}

static void test_malloc_until_installed(void **state)
{
	(void)state;
	char *text = big_text(50);
	lq_json_arena a;
	lq_json_arena_begin(&a);
	parse_and_check(text, 50);
	assert_int_equal(lq_json_arena_bytes(&a), 0);   /* nothing from it */
	lq_json_arena_end(&a);
	free(text);
}

static void test_blocks_from_the_arena(void **state)
{
	(void)state;
	char *text = big_text(2000);   /* ~100 KB: several chunks */
	lq_json_arena a;
	lq_json_arena_install();
	lq_json_arena_begin(&a);
	assert_true(a.active);
	parse_and_check(text, 2000);
	size_t held = lq_json_arena_bytes(&a);
	assert_true(held > strlen(text));
	/* every block aligned as malloc's */
	for (int i = 0; i < 64; i++) {
		void *p = cJSON_malloc((size_t)i + 1);
		assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
		cJSON_free(p);
	}
	assert_true(lq_json_arena_bytes(&a) > held);   /* freed: still held */
	lq_json_arena_end(&a);
	assert_null(a.chunks);
	assert_false(a.active);
	/* after end: malloc again */
	lq_json_arena b;
	lq_json_arena_begin(&b);
	lq_json_arena_end(&b);
	cJSON *outside = cJSON_CreateString("outside");
	assert_int_equal(lq_json_arena_bytes(&b), 0);
	cJSON_Delete(outside);
	free(text);
}

/* A tree made before begin is freed, inside, by free(): under ASan a
 * block of an arena given to free, or one freed twice, fails the test. */
static void test_older_blocks_freed_normally(void **state)
{
	(void)state;
	lq_json_arena_install();
	cJSON *old = cJSON_Parse("{\"a\":[1,2,3],\"b\":\"text\"}");
	lq_json_arena a;
	lq_json_arena_begin(&a);
	cJSON *fresh = cJSON_Parse("{\"c\":1}");
	assert_true(lq_json_arena_bytes(&a) > 0);
	cJSON_Delete(old);
	cJSON_Delete(fresh);
	lq_json_arena_end(&a);
}

static void test_inner_begin_borrows(void **state)
{
	(void)state;
	lq_json_arena_install();
	lq_json_arena outer, inner;
	lq_json_arena_begin(&outer);
	cJSON *x = cJSON_Parse("[1,2,3]");
	size_t before = lq_json_arena_bytes(&outer);
	lq_json_arena_begin(&inner);
	assert_false(inner.active);
	cJSON *y = cJSON_Parse("[4,5,6]");
	assert_true(lq_json_arena_bytes(&outer) > before);
	assert_int_equal(lq_json_arena_bytes(&inner), 0);
	cJSON_Delete(y);
	lq_json_arena_end(&inner);   /* the outer stays current */
	cJSON *z = cJSON_Parse("[7]");
	size_t after = lq_json_arena_bytes(&outer);
	assert_true(after > before);
	assert_int_equal(cJSON_GetArrayItem(x, 2)->valueint, 3);
	cJSON_Delete(z);
	cJSON_Delete(x);
	lq_json_arena_end(&outer);
	assert_null(outer.chunks);
}

/* Threads decode at once, each in its own arena. */
static void *decode_many(void *arg)
{
	const char *text = arg;
	for (int i = 0; i < 200; i++) {
		lq_json_arena a;
		lq_json_arena_begin(&a);
		parse_and_check(text, 300);
		if (lq_json_arena_bytes(&a) == 0)
			return (void *)1;
		lq_json_arena_end(&a);
	}
	return NULL;
}

static void test_threads_apart(void **state)
{
	(void)state;
	char *text = big_text(300);
	pthread_t t[4];
	void *bad[4];
	lq_json_arena_install();
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, decode_many, text), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], &bad[i]);
		assert_null(bad[i]);
	}
	free(text);
}

int main(void)
{
	/* in this order: the first runs before the hooks are installed */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malloc_until_installed),
		cmocka_unit_test(test_blocks_from_the_arena),
		cmocka_unit_test(test_older_blocks_freed_normally),
		cmocka_unit_test(test_inner_begin_borrows),
		cmocka_unit_test(test_threads_apart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
