/*
 * core/lockdep.c - lock-order checking (include/core/lockdep.h).
 *
 * The graph is a bit matrix, after[a] = the classes ever taken while
 * holding a. Bits are only ever set, so a reader that sees a bit set can
 * trust it without a lock; setting one, and the search that goes with it,
 * happens once per edge under graph_busy, a flag taken with interrupts
 * masked (a spinlock here would check itself).
 */
#include <base/assert.h>
#include <base/string.h>
#include <core/backtrace.h>
#include <core/cpu.h>
#include <core/lockdep.h>
#include <core/log.h>
#include <core/spinlock.h>
#include <hal/cpu.h>

#define WORDS	   (LOCKDEP_CLASSES / 64)
#define EDGE_STACK 8 /* return addresses kept per edge */

static const char *class_name[LOCKDEP_CLASSES]; /* [0] unused: class 0 is "not looked up" */
static unsigned class_count = 1;
static uint64_t after[LOCKDEP_CLASSES][WORDS];
static struct edge {
	uint8_t from, to;
	unsigned cpu, frames;
	uintptr_t stack[EDGE_STACK];
} edges[LOCKDEP_EDGES];
static unsigned edge_count;
static int graph_busy; /* atomic */
static bool disabled;  /* out of room: checks off, said once */

static void graph_lock(void)
{
	while (__atomic_exchange_n(&graph_busy, 1, __ATOMIC_ACQUIRE) != 0)
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

static void graph_unlock(void)
{
	__atomic_store_n(&graph_busy, 0, __ATOMIC_RELEASE);
}

static void disable(const char *why)
{
	if (!__atomic_exchange_n(&disabled, true, __ATOMIC_RELAXED))
		log_warn("lockdep: %s; lock-order checks are off from here\n", why);
}

/* The class of `lock`, found or made by name (graph lock held); 0 when out of room. */
static unsigned class_locked(struct spinlock *lock)
{
	const char *name = lock->name != NULL ? lock->name : "(unnamed)";

	for (unsigned c = 1; c < class_count; c++)
		if (class_name[c] == name || strcmp(class_name[c], name) == 0)
			return c;
	if (class_count == LOCKDEP_CLASSES) {
		disable("more lock names than LOCKDEP_CLASSES");
		return 0;
	}
	class_name[class_count] = name;
	return class_count++;
}

static unsigned class_of(struct spinlock *lock)
{
	unsigned c = __atomic_load_n(&lock->lockdep_class, __ATOMIC_RELAXED);

	if (c != 0)
		return c;
	graph_lock();
	c = class_locked(lock);
	graph_unlock();
	__atomic_store_n(&lock->lockdep_class, (uint16_t)c, __ATOMIC_RELAXED);
	return c;
}

static bool has_edge(unsigned a, unsigned b)
{
	return (__atomic_load_n(&after[a][b / 64], __ATOMIC_RELAXED) >> (b % 64)) & 1;
}

/*
 * Whether `to` can be reached from `from` (graph lock held); path[] gets
 * the classes on the way, from `from` to `to`, *len their count.
 */
static bool reaches(unsigned from, unsigned to, uint8_t *path, unsigned *len)
{
	uint8_t parent[LOCKDEP_CLASSES], queue[LOCKDEP_CLASSES];
	uint64_t seen[WORDS] = { 0 };
	unsigned head = 0, tail = 0;

	queue[tail++] = (uint8_t)from;
	seen[from / 64] |= UINT64_C(1) << (from % 64);
	while (head < tail) {
		unsigned a = queue[head++];

		if (a == to) {
			uint8_t reverse[LOCKDEP_CLASSES];
			unsigned n = 0;

			for (unsigned c = to; c != from; c = parent[c])
				reverse[n++] = (uint8_t)c;
			reverse[n++] = (uint8_t)from;
			for (unsigned i = 0; i < n; i++)
				path[i] = reverse[n - 1 - i];
			*len = n;
			return true;
		}
		for (unsigned b = 1; b < class_count; b++) {
			if (has_edge(a, b) && !((seen[b / 64] >> (b % 64)) & 1)) {
				seen[b / 64] |= UINT64_C(1) << (b % 64);
				parent[b] = (uint8_t)a;
				queue[tail++] = (uint8_t)b;
			}
		}
	}
	return false;
}

static const struct edge *edge_record(unsigned from, unsigned to)
{
	for (unsigned i = 0; i < edge_count; i++)
		if (edges[i].from == from && edges[i].to == to)
			return &edges[i];
	return NULL;
}

/* Taking `to` while holding `from` closes the cycle `path` (to ... from): report and stop. */
static __noreturn void report_inversion(unsigned from, unsigned to, const uint8_t *path,
					unsigned len)
{
	log_error("\nlockdep: lock order inversion on cpu %u: it takes '%s' while holding '%s', "
		  "but '%s' was taken while holding '%s' before",
		  cpu_id(), class_name[to], class_name[from], class_name[from], class_name[to]);
	if (len > 2) {
		log_error(" (by way of");
		for (unsigned i = 1; i + 1 < len; i++)
			log_error(" '%s'", class_name[path[i]]);
		log_error(")");
	}
	log_error(":\n");
	for (unsigned i = 0; i + 1 < len; i++) {
		const struct edge *e = edge_record(path[i], path[i + 1]);

		log_error("first '%s' -> '%s', on cpu %u:\n", class_name[path[i]],
			  class_name[path[i + 1]], e != NULL ? e->cpu : 0);
		if (e != NULL)
			backtrace_print_saved(e->stack, e->frames);
	}
	log_error("now '%s' -> '%s' (the backtrace of the report below)\n", class_name[from],
		  class_name[to]);
	PANIC("lockdep: '%s' and '%s' are taken in both orders: two CPUs can deadlock",
	      class_name[from], class_name[to]);
}

/* A new edge from -> to: record it, unless it closes a cycle. */
static void add_edge(unsigned from, unsigned to)
{
	uint8_t path[LOCKDEP_CLASSES];
	unsigned len;

	graph_lock();
	if (has_edge(from, to)) {
		graph_unlock();
		return; /* another CPU was first */
	}
	if (reaches(to, from, path, &len)) {
		graph_unlock();
		report_inversion(from, to, path, len);
	}
	__atomic_fetch_or(&after[from][to / 64], UINT64_C(1) << (to % 64), __ATOMIC_RELAXED);
	if (edge_count < LOCKDEP_EDGES) {
		struct edge *e = &edges[edge_count++];

		e->from = (uint8_t)from;
		e->to = (uint8_t)to;
		e->cpu = cpu_id();
		e->frames = backtrace_capture((uintptr_t)__builtin_frame_address(0), e->stack,
					      EDGE_STACK);
	}
	graph_unlock();
}

void lockdep_acquire(struct spinlock *lock)
{
	unsigned long flags = hal_irq_save();
	struct cpu *c = cpu_current();

	if (c == NULL || __atomic_load_n(&disabled, __ATOMIC_RELAXED)) {
		hal_irq_restore(flags);
		return; /* before per-CPU data: one CPU, nothing to order yet */
	}
	unsigned cls = class_of(lock);

	if (cls == 0) {
		hal_irq_restore(flags);
		return;
	}
	for (unsigned i = 0; i < c->lockdep_depth; i++) {
		unsigned held = c->lockdep_held[i];

		if (held != cls && !has_edge(held, cls))
			add_edge(held, cls);
	}
	if (c->lockdep_depth == LOCKDEP_DEPTH)
		disable("a CPU holds more than LOCKDEP_DEPTH locks");
	else
		c->lockdep_held[c->lockdep_depth++] = (uint8_t)cls;
	hal_irq_restore(flags);
}

void lockdep_release(struct spinlock *lock)
{
	unsigned long flags = hal_irq_save();
	struct cpu *c = cpu_current();
	unsigned cls = __atomic_load_n(&lock->lockdep_class, __ATOMIC_RELAXED);

	/* Locks may be released in any order: take out the latest of its class. */
	if (c != NULL && cls != 0) {
		for (unsigned i = c->lockdep_depth; i-- > 0;) {
			if (c->lockdep_held[i] != cls)
				continue;
			memmove(&c->lockdep_held[i], &c->lockdep_held[i + 1],
				c->lockdep_depth - i - 1);
			c->lockdep_depth--;
			break;
		}
	}
	hal_irq_restore(flags);
}
