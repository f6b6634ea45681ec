/*
 * replay.c - the main() the fuzz drivers get in the normal build: feeds
 * every input named on the command line to LLVMFuzzerTestOneInput, the
 * way libFuzzer replays a corpus, so that ctest runs each driver over
 * fuzz/corpus/<driver>/ without clang.
 *
 *   fuzz_text fuzz/corpus/fuzz_text            every file of a directory
 *   fuzz_text crash-1234 other-input           single files
 *
 * A directory gives its regular files in name order (hidden files and
 * subdirectories are skipped). Each input is read whole into a heap block
 * of exactly its size, so AddressSanitizer sees a read past its end.
 * Exits 0 when every input ran; 1 with a message when an argument is
 * missing or unreadable, or a directory holds no inputs. A driver that
 * finds a bug aborts; the name of the input is printed first.
 */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/banned.h"

/* Optional hooks: libFuzzer's init callback, and the sanitizers' death
 * callback, so a sanitizer report is followed by the input's name. */
extern int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
extern void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

static const char *current;

static void say_current(void)
{
	static const char pre[] = "replay: failed on input ";

	if (!current)
		return;
	/* Async-signal-safe: write(2) only. */
	if (write(STDERR_FILENO, pre, sizeof(pre) - 1) < 0 ||
	    write(STDERR_FILENO, current, strlen(current)) < 0 ||
	    write(STDERR_FILENO, "\n", 1) < 0)
		return;
}

static void on_abort(int sig)
{
	say_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int read_file(const char *path, unsigned char **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL, *exact;
	size_t len = 0, cap = 0;

	*data = NULL;
	*size = 0;
	if (!f)
		return -1;
	for (;;) {
		size_t n;

		if (len == cap) {
			unsigned char *nb;

			cap = cap ? cap * 2 : 4096;
			nb = realloc(buf, cap);
			if (!nb)
				goto fail;
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0) {
			if (ferror(f))
				goto fail;
			break;
		}
	}
	fclose(f);
	/* Exactly len bytes (at least one, so the pointer is never NULL). */
	exact = malloc(len ? len : 1);
	if (!exact) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, len);
	free(buf);
	*data = exact;
	*size = len;
	return 0;
fail:
	fclose(f);
	free(buf);
	return -1;
}

static int run_file(const char *path)
{
	unsigned char *data;
	size_t size;

	if (read_file(path, &data, &size)) {
		fprintf(stderr, "replay: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	current = path;
	if (getenv("MW_REPLAY_VERBOSE"))
		fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
	LLVMFuzzerTestOneInput(data, size);
	current = NULL;
	free(data);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular, non-hidden file of dir; returns how many, or -1. */
static long run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	long ran = 0;

	if (!d) {
		fprintf(stderr, "replay: cannot open directory %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		char *path;
		size_t len;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		len = strlen(dir) + strlen(e->d_name) + 2;
		path = malloc(len);
		if (!path)
			goto oom;
		snprintf(path, len, "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		if (n == cap) {
			char **nn;

			cap = cap ? cap * 2 : 64;
			nn = realloc(names, cap * sizeof(*names));
			if (!nn) {
				free(path);
				goto oom;
			}
			names = nn;
		}
		names[n++] = path;
	}
	closedir(d);
	d = NULL;
	if (n == 0) {
		fprintf(stderr, "replay: %s holds no inputs\n", dir);
		free(names);
		return -1;
	}
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		if (ran >= 0 && run_file(names[i]) == 0)
			ran++;
		else
			ran = -1;
		free(names[i]);
	}
	free(names);
	return ran;
oom:
	fprintf(stderr, "replay: out of memory listing %s\n", dir);
	if (d)
		closedir(d);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return -1;
}

int main(int argc, char **argv)
{
	long total = 0;
	int failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n"
			"Runs each file (every file of each DIR) through the fuzz driver.\n",
			argv[0]);
		return 2;
	}
	signal(SIGABRT, on_abort);
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(say_current);
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			failed = 1;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			long n = run_dir(argv[i]);

			if (n < 0)
				failed = 1;
			else
				total += n;
		} else if (run_file(argv[i]) == 0) {
			total++;
		} else {
			failed = 1;
		}
	}
	printf("replayed %ld inputs\n", total);
	return failed;
}
