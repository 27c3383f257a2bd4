/*
 * core/sched.c - threads, per-CPU run queues, wait queues and timers.
 *
 * The policy is described in include/core/sched.h; this comment is about
 * how the pieces fit together on SMP.
 *
 * Switching. A thread gives up its CPU only in schedule(), with interrupts
 * masked and its CPU's run-queue lock held. The lock is released by the
 * thread switched to, in finish_switch(), once the previous thread's
 * registers are saved; only then is the previous thread's `on_cpu` flag
 * cleared. Anything that wants to run a thread elsewhere (a waker, a
 * stealing CPU, a joiner about to free it) first waits for on_cpu to be
 * false, so no two CPUs ever use one thread's stack.
 *
 * Blocking. A thread adds itself to a wait queue and marks itself BLOCKED
 * under the queue's lock, with interrupts masked, then calls schedule().
 * A waker takes it off the queue under the same lock, so exactly one of a
 * wake-up, a timeout and a cancellation ends a wait, and none is lost: a
 * wake-up that comes before the switch finds the thread on the queue and
 * waits for on_cpu before queueing it to run.
 *
 * Migration. A thread that must leave its CPU (affinity) is not queued by
 * schedule() but after the switch, so that no CPU ever holds two run-queue
 * locks. Stealing, waking and affinity changes likewise lock one run queue
 * at a time.
 */
#include <base/assert.h>
#include <base/string.h>
#include <core/cpu.h>
#include <core/log.h>
#include <core/sched.h>
#include <hal/cpu.h>
#include <hal/irq.h>
#include <hal/paging.h>
#include <hal/user.h>

/* CPUs that schedule: bit n set once CPU n runs its idle loop. */
uint64_t sched_online_mask;

static uint64_t next_thread_id = 1;

static inline void cpu_relax(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

static struct sched_cpu *rq_of(unsigned cpu)
{
	return &cpu_get(cpu)->sched;
}

static bool allowed_on(const struct thread *t, unsigned cpu)
{
	return (__atomic_load_n(&t->affinity, __ATOMIC_RELAXED) >> cpu) & 1;
}

/* ---- Run-queue primitives (rq->lock held) */

static void rq_enqueue(struct sched_cpu *rq, struct thread *t, bool front)
{
	unsigned p = t->priority;

	t->queued_level = p;
	if (front)
		list_push_front(&rq->ready[p], &t->link);
	else
		list_push_back(&rq->ready[p], &t->link);
	rq->ready_levels |= 1u << p;
	__atomic_store_n(&rq->nr_ready, rq->nr_ready + 1, __ATOMIC_RELAXED);
	t->state = THREAD_READY;
}

static void rq_remove(struct sched_cpu *rq, struct thread *t)
{
	unsigned p = t->queued_level;

	list_remove(&t->link);
	if (list_empty(&rq->ready[p]))
		rq->ready_levels &= ~(1u << p);
	__atomic_store_n(&rq->nr_ready, rq->nr_ready - 1, __ATOMIC_RELAXED);
}

/* The highest ready priority, or -1 when the queue is empty. */
static int rq_top(const struct sched_cpu *rq)
{
	return rq->ready_levels == 0 ? -1 : 31 - __builtin_clz(rq->ready_levels);
}

/* The first ready thread of the highest level that may run on `cpu` (NULL if none). */
static struct thread *rq_first_allowed(struct sched_cpu *rq, unsigned cpu)
{
	for (int p = rq_top(rq); p >= 0; p--) {
		struct list_node *n;

		if (!(rq->ready_levels & (1u << p)))
			continue;
		list_for_each (n, &rq->ready[p]) {
			struct thread *t = list_entry(n, struct thread, link);

			if (allowed_on(t, cpu))
				return t;
		}
	}
	return NULL;
}

/* ---- Timers */

/* Program the hardware for the soonest of the first ktimer and the slice end. */
static void rearm(struct sched_cpu *rq)
{
	uint64_t deadline = UINT64_MAX;
	struct list_node *first;

	spin_lock(&rq->timer_lock);
	first = list_first(&rq->timers);
	if (first != NULL)
		deadline = list_entry(first, struct ktimer, link)->deadline;
	spin_unlock(&rq->timer_lock);
	if (rq->current != NULL && rq->current != rq->idle && rq->slice_end < deadline)
		deadline = rq->slice_end;
	/*
	 * Threads wait here: look for idle CPUs every SCHED_BALANCE_NS, even
	 * when switches keep pushing the slice's end away.
	 */
	if (__atomic_load_n(&rq->nr_ready, __ATOMIC_RELAXED) > 0) {
		if (rq->balance_at == 0)
			rq->balance_at = hal_clock_ns() + SCHED_BALANCE_NS;
		if (rq->balance_at < deadline)
			deadline = rq->balance_at;
	}
	if (deadline != rq->timer_armed) {
		rq->timer_armed = deadline;
		hal_timer_arm(deadline);
	}
}

void ktimer_arm(struct ktimer *timer, uint64_t deadline, void (*fn)(struct ktimer *timer))
{
	unsigned long flags = hal_irq_save();
	struct cpu *c = cpu_current();
	struct sched_cpu *rq = &c->sched;
	struct list_node *n;

	timer->deadline = deadline;
	timer->fn = fn;
	timer->cpu = c->id;
	spin_lock(&rq->timer_lock);
	list_for_each (n, &rq->timers) {
		if (list_entry(n, struct ktimer, link)->deadline > deadline)
			break;
	}
	list_insert_between(&timer->link, n->prev, n);
	spin_unlock(&rq->timer_lock);
	rearm(rq);
	hal_irq_restore(flags);
}

bool ktimer_cancel(struct ktimer *timer)
{
	unsigned long flags = hal_irq_save();
	struct sched_cpu *rq = rq_of(__atomic_load_n(&timer->cpu, __ATOMIC_RELAXED));
	bool armed;

	spin_lock(&rq->timer_lock);
	armed = list_linked(&timer->link);
	if (armed)
		list_remove(&timer->link);
	spin_unlock(&rq->timer_lock);
	/* The callback may be running on its CPU right now: wait until it returns. */
	while (__atomic_load_n(&timer->running, __ATOMIC_ACQUIRE))
		cpu_relax();
	hal_irq_restore(flags);
	return armed;
}

/* Run the due ktimers of the calling CPU (interrupts masked). */
static void run_timers(struct sched_cpu *rq, uint64_t now)
{
	for (;;) {
		struct list_node *first;
		struct ktimer *t = NULL;

		spin_lock(&rq->timer_lock);
		first = list_first(&rq->timers);
		if (first != NULL && list_entry(first, struct ktimer, link)->deadline <= now) {
			t = list_entry(first, struct ktimer, link);
			list_remove(&t->link);
			__atomic_store_n(&t->running, true, __ATOMIC_RELAXED);
		}
		spin_unlock(&rq->timer_lock);
		if (t == NULL)
			return;
		t->fn(t);
		__atomic_store_n(&t->running, false, __ATOMIC_RELEASE);
	}
}

/* ---- Switching */

static void finish_switch(void);

static void thread_trampoline(void *arg)
{
	struct thread *t = arg;

	finish_switch();
	hal_irq_enable();
	t->entry(t->arg);
	thread_exit(NULL);
}

/* Queue a READY-to-be thread on a CPU it may run on and tell that CPU. */
static void enqueue_thread(struct thread *t);

static __always_inline void switch_locked(struct cpu *c, struct thread *prev, struct thread *next);

/*
 * Give the CPU to the best ready thread (perhaps the caller again). The
 * caller's state says what becomes of it: RUNNING stays runnable (back of
 * its level, round robin), BLOCKED and EXITED are not queued. Interrupts
 * masked, no lock held.
 */
static void schedule(void)
{
	struct cpu *c = cpu_current();
	struct sched_cpu *rq = &c->sched;
	struct thread *prev = rq->current;

	if (c->preempt_count != 0)
		PANIC("sched: cpu %u switches threads with preemption disabled (%u): a lock is "
		      "held across a blocking call",
		      c->id, c->preempt_count);
	spin_lock(&rq->lock);
	rq->need_resched = false;
	rq->migrate = NULL;
	if (prev->state == THREAD_RUNNING && prev != rq->idle) {
		if (allowed_on(prev, c->id)) {
			rq_enqueue(rq, prev, false);
		} else {
			prev->state = THREAD_READY;
			rq->migrate = prev; /* queued elsewhere once switched out */
		}
	}
	struct thread *next = NULL;
	int top = rq_top(rq);

	if (top >= 0) {
		next = list_entry(list_first(&rq->ready[top]), struct thread, link);
		rq_remove(rq, next);
	} else {
		next = rq->idle;
	}
	switch_locked(c, prev, next);
}

/*
 * The second half of schedule(): run `next` (off every queue) instead of
 * `prev`, whose state says what becomes of it. rq->lock held, interrupts
 * masked; returns when prev runs again.
 */
static __always_inline void switch_locked(struct cpu *c, struct thread *prev, struct thread *next)
{
	struct sched_cpu *rq = &c->sched;

	if (next == prev) {
		prev->state = THREAD_RUNNING;
		rq->slice_end = hal_clock_ns() + SCHED_SLICE_NS;
		spin_unlock(&rq->lock);
		rearm(rq);
		return;
	}
	/* A thread queued while it was still finishing a switch on another CPU. */
	while (__atomic_load_n(&next->on_cpu, __ATOMIC_ACQUIRE))
		cpu_relax();
	next->state = THREAD_RUNNING;
	next->cpu = c->id;
	next->on_cpu = true;
	next->switches++;
	rq->current = next;
	rq->switched_from = prev;
	rq->slice_end = hal_clock_ns() + SCHED_SLICE_NS;
	c->counters.context_switches++;

	struct hal_paging *space = next->space != NULL ? next->space : hal_paging_kernel();

	if (space != rq->space) {
		hal_paging_switch(space);
		rq->space = space;
	}
	if (next->owner == THREAD_OWNER_USER)
		hal_user_set_kernel_stack(next->stack_base + next->stack_size);
	hal_context_switch(&prev->saved_sp, next->saved_sp);
	finish_switch();
}

/*
 * The second half of a switch, run by the thread switched to (on the
 * same CPU as the first half): release the run queue, then let go of the
 * previous thread.
 */
static void finish_switch(void)
{
	struct cpu *c = cpu_current();
	struct sched_cpu *rq = &c->sched;
	struct thread *prev = rq->switched_from;
	struct thread *migrate = rq->migrate;
	bool reap = false;

	rq->switched_from = NULL;
	rq->migrate = NULL;
	if (prev != NULL && prev->state == THREAD_EXITED)
		reap = __atomic_load_n(&prev->flags, __ATOMIC_ACQUIRE) & THREAD_F_REAP;
	if (reap) {
		spin_lock(&rq->dead_lock);
		list_push_back(&rq->dead, &prev->link);
		spin_unlock(&rq->dead_lock);
	}
	spin_unlock(&rq->lock);
	rearm(rq);
	if (prev != NULL)
		__atomic_store_n(&prev->on_cpu, false, __ATOMIC_RELEASE);
	if (migrate != NULL)
		enqueue_thread(migrate);
}

/* Release exited detached threads of this CPU (interrupts enabled, no lock held). */
static void reap_dead(void)
{
	for (;;) {
		unsigned long flags = hal_irq_save();
		struct sched_cpu *rq = &cpu_current()->sched;
		struct list_node *n;

		spin_lock(&rq->dead_lock);
		n = list_first(&rq->dead);
		if (n != NULL)
			list_remove(n);
		spin_unlock(&rq->dead_lock);
		hal_irq_restore(flags);
		if (n == NULL)
			return;

		struct thread *t = list_entry(n, struct thread, link);

		while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
			cpu_relax();
		if (t->release != NULL)
			t->release(t);
	}
}

void sched_reap(void)
{
	if (cpu_current() != NULL && cpu_current()->sched.current != NULL)
		reap_dead();
}

/* ---- Placement */

/* Is CPU `cpu` running its idle thread with nothing queued? (A hint: no lock.) */
static bool cpu_idle_hint(unsigned cpu)
{
	struct sched_cpu *rq = rq_of(cpu);

	return __atomic_load_n(&rq->current, __ATOMIC_RELAXED) == rq->idle &&
	       __atomic_load_n(&rq->nr_ready, __ATOMIC_RELAXED) == 0;
}

/*
 * Where a thread that becomes ready should go: its last CPU if allowed and
 * idle; else an idle allowed CPU (push on wake); else its last CPU if
 * allowed; else the allowed CPU with the shortest queue.
 */
static unsigned select_cpu(const struct thread *t)
{
	uint64_t online = __atomic_load_n(&sched_online_mask, __ATOMIC_ACQUIRE);
	uint64_t allowed = __atomic_load_n(&t->affinity, __ATOMIC_RELAXED) & online;
	unsigned last = t->cpu, best = last;
	unsigned best_len = UINT32_MAX;

	if (allowed == 0)
		return cpu_id(); /* not online yet: only the boot path makes threads then */
	if (((allowed >> last) & 1) && cpu_idle_hint(last))
		return last;
	for (unsigned i = 0; i < cpu_count; i++) {
		if (((allowed >> i) & 1) && cpu_idle_hint(i))
			return i;
	}
	if ((allowed >> last) & 1)
		return last;
	for (unsigned i = 0; i < cpu_count; i++) {
		unsigned len = __atomic_load_n(&rq_of(i)->nr_ready, __ATOMIC_RELAXED);

		if (((allowed >> i) & 1) && len < best_len) {
			best = i;
			best_len = len;
		}
	}
	return best;
}

/* Should `t`, now queued on rq, take the CPU from rq's current thread? (lock held) */
static bool preempts(const struct sched_cpu *rq, const struct thread *t)
{
	return rq->current == NULL || rq->current == rq->idle ||
	       t->priority > rq->current->priority;
}

static void enqueue_thread(struct thread *t)
{
	unsigned long flags = hal_irq_save();
	unsigned target = select_cpu(t);
	struct sched_cpu *rq = rq_of(target);
	bool kick;

	spin_lock(&rq->lock);
	t->cpu = target;
	rq_enqueue(rq, t, false);
	kick = preempts(rq, t);
	if (kick)
		rq->need_resched = true;
	spin_unlock(&rq->lock);
	if (kick && target != cpu_id())
		cpu_send_ipi(target, CPU_IPI_RESCHEDULE);
	hal_irq_restore(flags);
}

/* Reschedule now if this CPU was asked to and the caller may be preempted. */
static void preempt_check(void)
{
	if (!hal_irq_enabled())
		return; /* the interrupt exit or the next unmasking point will do it */
	hal_irq_disable();
	sched_preempt();
	hal_irq_enable();
}

/* ---- Stealing */

/* An idle CPU takes one ready thread from the busiest queue. Interrupts masked. */
static bool steal(struct cpu *self)
{
	unsigned victim = CPU_MAX, most = 0;

	for (unsigned i = 0; i < cpu_count; i++) {
		unsigned len = __atomic_load_n(&rq_of(i)->nr_ready, __ATOMIC_RELAXED);

		if (i != self->id && len > most) {
			most = len;
			victim = i;
		}
	}
	if (victim == CPU_MAX)
		return false;

	struct sched_cpu *vrq = rq_of(victim);
	struct thread *t;

	spin_lock(&vrq->lock);
	t = rq_first_allowed(vrq, self->id);
	if (t != NULL)
		rq_remove(vrq, t);
	spin_unlock(&vrq->lock);
	if (t == NULL)
		return false;
	spin_lock(&self->sched.lock);
	t->cpu = self->id;
	rq_enqueue(&self->sched, t, false);
	self->sched.steals++;
	spin_unlock(&self->sched.lock);
	return true;
}

bool sched_steal(void)
{
	unsigned long flags = hal_irq_save();
	bool stole = steal(cpu_current());

	hal_irq_restore(flags);
	return stole;
}

/*
 * A busy CPU with threads waiting wakes one idle CPU every
 * SCHED_BALANCE_NS, so that CPU steals (an idle CPU sleeps with no timer
 * armed and would otherwise never look). Interrupts masked.
 */
static void kick_idle_cpu(struct cpu *self)
{
	if (__atomic_load_n(&self->sched.nr_ready, __ATOMIC_RELAXED) == 0)
		return;
	uint64_t online = __atomic_load_n(&sched_online_mask, __ATOMIC_ACQUIRE);

	for (unsigned i = 0; i < cpu_count; i++) {
		if (i != self->id && ((online >> i) & 1) && cpu_idle_hint(i)) {
			cpu_send_ipi(i, CPU_IPI_RESCHEDULE);
			return;
		}
	}
}

/* ---- Set-up and the idle loop */

void sched_init_cpu(struct cpu *cpu, struct thread *idle)
{
	struct sched_cpu *rq = &cpu->sched;

	spin_init(&rq->lock, "run queue");
	spin_init(&rq->timer_lock, "timers");
	spin_init(&rq->dead_lock, "dead threads");
	for (unsigned p = 0; p < SCHED_PRIORITIES; p++)
		list_init(&rq->ready[p]);
	list_init(&rq->timers);
	list_init(&rq->dead);
	rq->timer_armed = UINT64_MAX;
	rq->space = hal_paging_kernel();
	idle->owner = THREAD_OWNER_IDLE;
	idle->state = THREAD_RUNNING;
	idle->cpu = cpu->id;
	idle->affinity = UINT64_C(1) << cpu->id;
	idle->on_cpu = true;
	rq->idle = idle;
	rq->current = idle;
	__atomic_fetch_or(&sched_online_mask, UINT64_C(1) << cpu->id, __ATOMIC_RELEASE);
}

__noreturn void sched_idle_loop(void)
{
	struct cpu *c = cpu_current();
	struct sched_cpu *rq = &c->sched;

	for (;;) {
		hal_irq_enable();
		reap_dead();
		hal_irq_disable();
		if (__atomic_load_n(&rq->nr_ready, __ATOMIC_RELAXED) == 0)
			steal(c);
		if (__atomic_load_n(&rq->nr_ready, __ATOMIC_RELAXED) != 0 || rq->need_resched) {
			schedule();
			continue;
		}
		/*
		 * A thread may have exited here after reap_dead() looked: an
		 * interrupt with interrupts on can switch this idle thread out
		 * and back (finish_switch queues the dead thread). With
		 * interrupts masked nothing more can arrive until the wait,
		 * and an idle CPU may not wake again for a long time.
		 */
		spin_lock(&rq->dead_lock);
		bool dead = !list_empty(&rq->dead);

		spin_unlock(&rq->dead_lock);
		if (dead)
			continue;
		hal_cpu_idle();
	}
}

/* ---- Threads */

void thread_init(struct thread *t, const char *name, uintptr_t stack_base, size_t stack_size,
		 void (*entry)(void *), void *arg, void (*release)(struct thread *t))
{
	memset(t, 0, sizeof(*t));
	strlcpy(t->name, name, sizeof(t->name));
	t->id = __atomic_fetch_add(&next_thread_id, 1, __ATOMIC_RELAXED);
	t->state = THREAD_NEW;
	t->owner = THREAD_OWNER_KERNEL;
	t->priority = SCHED_PRIORITY_DEFAULT;
	t->affinity = UINT64_MAX;
	t->cpu = cpu_id();
	list_init(&t->link);
	list_init(&t->timeout.link);
	wait_queue_init(&t->join_wq, "join");
	t->stack_base = stack_base;
	t->stack_size = stack_size;
	t->entry = entry;
	t->arg = arg;
	t->release = release;
	t->saved_sp = hal_context_init(stack_base + stack_size, thread_trampoline, t);
}

void thread_start(struct thread *t)
{
	if (t->state != THREAD_NEW)
		PANIC("sched: thread %s started twice", t->name);
	enqueue_thread(t);
	preempt_check();
}

struct thread *thread_current(void)
{
	unsigned long flags = hal_irq_save();
	struct cpu *c = cpu_current();
	struct thread *t = c != NULL ? c->sched.current : NULL;

	hal_irq_restore(flags);
	return t;
}

void thread_yield(void)
{
	unsigned long flags = hal_irq_save();

	schedule();
	hal_irq_restore(flags);
}

void sched_preempt(void)
{
	struct cpu *c = cpu_current();

	if (c != NULL && c->sched.current != NULL && c->sched.need_resched && c->preempt_count == 0)
		schedule();
}

void sched_timer_interrupt(void)
{
	struct cpu *c = cpu_current();
	struct sched_cpu *rq = &c->sched;
	uint64_t now = hal_clock_ns();

	rq->timer_armed = UINT64_MAX; /* the one-shot fired */
	run_timers(rq, now);
	if (rq->current != rq->idle && now >= rq->slice_end) {
		spin_lock(&rq->lock);
		if (rq_top(rq) >= (int)rq->current->priority)
			rq->need_resched = true; /* round robin inside the level */
		else
			rq->slice_end = now + SCHED_SLICE_NS;
		spin_unlock(&rq->lock);
	}
	if (rq->balance_at != 0 && now >= rq->balance_at) {
		rq->balance_at = 0; /* rearm() starts the next period if threads still wait */
		kick_idle_cpu(c);
	}
	rearm(rq);
}

__noreturn void thread_exit(void *value)
{
	struct thread *t = thread_current();

	if (t->on_exit != NULL)
		t->on_exit(t, value);
	hal_irq_disable();

	if (t->owner == THREAD_OWNER_IDLE)
		PANIC("sched: the idle thread of cpu %u exits", t->cpu);
	spin_lock(&t->join_wq.lock);
	t->exit_value = value;
	if (__atomic_load_n(&t->flags, __ATOMIC_RELAXED) & THREAD_F_DETACHED)
		__atomic_fetch_or(&t->flags, THREAD_F_REAP, __ATOMIC_RELEASE);
	t->state = THREAD_EXITED;
	wait_queue_wake_all_locked(&t->join_wq);
	spin_unlock(&t->join_wq.lock);
	schedule();
	PANIC("sched: exited thread %s runs again", t->name);
}

/* Wait until `t` is off every CPU, then hand it to its release function. */
static void release_thread(struct thread *t)
{
	while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
		cpu_relax();
	if (t->release != NULL)
		t->release(t);
}

int thread_join(struct thread *t, void **value)
{
	struct thread *self = thread_current();

	if (t == self)
		return -1;
	unsigned long flags = spin_lock_irqsave(&t->join_wq.lock);
	uint32_t f = __atomic_load_n(&t->flags, __ATOMIC_RELAXED);

	if (f & (THREAD_F_DETACHED | THREAD_F_JOINING)) {
		spin_unlock_irqrestore(&t->join_wq.lock, flags);
		return -1;
	}
	__atomic_fetch_or(&t->flags, THREAD_F_JOINING, __ATOMIC_RELAXED);
	while (t->state != THREAD_EXITED) {
		if (wait_queue_wait_locked(&t->join_wq, WAIT_FOREVER, WAIT_CANCELLABLE) ==
		    WAIT_CANCELLED) {
			__atomic_fetch_and(&t->flags, ~THREAD_F_JOINING, __ATOMIC_RELAXED);
			spin_unlock_irqrestore(&t->join_wq.lock, flags);
			thread_exit(THREAD_CANCELLED);
		}
	}
	void *v = t->exit_value;

	spin_unlock_irqrestore(&t->join_wq.lock, flags);
	if (value != NULL)
		*value = v;
	release_thread(t);
	return 0;
}

void thread_detach(struct thread *t)
{
	unsigned long flags = spin_lock_irqsave(&t->join_wq.lock);
	bool exited = t->state == THREAD_EXITED;

	__atomic_fetch_or(&t->flags, THREAD_F_DETACHED, __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&t->join_wq.lock, flags);
	if (exited)
		release_thread(t); /* it exited joinable: nobody else will */
}

void thread_testcancel(void)
{
	struct thread *t = thread_current();

	if (__atomic_load_n(&t->flags, __ATOMIC_SEQ_CST) & THREAD_F_CANCEL)
		thread_exit(THREAD_CANCELLED);
}

/* End t's wait with `why` if it still waits on `wq` (wq->lock held). */
static bool end_wait_locked(struct wait_queue *wq, struct thread *t, enum wait_result why)
{
	if (t->wq != wq || !list_linked(&t->link) || t->state != THREAD_BLOCKED)
		return false;
	list_remove(&t->link);
	t->wq = NULL;
	t->wake_result = why;
	/* It may still be switching away on its CPU. */
	while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
		cpu_relax();
	enqueue_thread(t);
	return true;
}

const char *thread_state_name(const struct thread *t, const char **wait_queue)
{
	static const char *const names[] = {
		[THREAD_NEW] = "new",	      [THREAD_READY] = "ready",
		[THREAD_RUNNING] = "running", [THREAD_BLOCKED] = "blocked",
		[THREAD_EXITED] = "exited",
	};
	unsigned state = __atomic_load_n(&t->state, __ATOMIC_RELAXED);
	const struct wait_queue *wq = t->wq;

	*wait_queue = state == THREAD_BLOCKED && wq != NULL ? wq->lock.name : NULL;
	return state < ARRAY_SIZE(names) ? names[state] : "?";
}

void thread_cancel(struct thread *t)
{
	__atomic_fetch_or(&t->flags, THREAD_F_CANCEL, __ATOMIC_SEQ_CST);
	for (;;) {
		struct wait_queue *wq = __atomic_load_n(&t->wq, __ATOMIC_SEQ_CST);

		if (wq == NULL)
			break; /* not waiting: it sees the flag at its next cancellation point */
		unsigned long flags = spin_lock_irqsave(&wq->lock);
		bool same = t->wq == wq;

		if (same && (t->wait_flags & WAIT_CANCELLABLE))
			end_wait_locked(wq, t, WAIT_CANCELLED);
		spin_unlock_irqrestore(&wq->lock, flags);
		if (same)
			break;
	}
	preempt_check();
}

void thread_set_priority(struct thread *t, unsigned priority)
{
	if (priority >= SCHED_PRIORITIES)
		priority = SCHED_PRIORITIES - 1;
	unsigned long flags = hal_irq_save();

	for (;;) {
		unsigned cpu = __atomic_load_n(&t->cpu, __ATOMIC_RELAXED);
		struct sched_cpu *rq = rq_of(cpu);

		spin_lock(&rq->lock);
		if (t->cpu != cpu) {
			spin_unlock(&rq->lock);
			continue;
		}
		bool kick = false;

		if (t->state == THREAD_READY && list_linked(&t->link)) {
			rq_remove(rq, t);
			t->priority = priority;
			rq_enqueue(rq, t, false);
			kick = preempts(rq, t);
		} else {
			t->priority = priority;
			/* Lowered while running: a better thread may be waiting. */
			kick = t == rq->current && rq_top(rq) > (int)priority;
		}
		if (kick)
			rq->need_resched = true;
		spin_unlock(&rq->lock);
		if (kick && cpu != cpu_id())
			cpu_send_ipi(cpu, CPU_IPI_RESCHEDULE);
		break;
	}
	hal_irq_restore(flags);
	preempt_check();
}

bool thread_set_affinity(struct thread *t, uint64_t mask)
{
	if ((mask & __atomic_load_n(&sched_online_mask, __ATOMIC_ACQUIRE)) == 0)
		return false;
	unsigned long flags = hal_irq_save();

	__atomic_store_n(&t->affinity, mask, __ATOMIC_RELAXED);
	for (;;) {
		unsigned cpu = __atomic_load_n(&t->cpu, __ATOMIC_RELAXED);
		struct sched_cpu *rq = rq_of(cpu);
		bool move = false, kick = false;

		spin_lock(&rq->lock);
		if (t->cpu != cpu) {
			spin_unlock(&rq->lock);
			continue;
		}
		if (!((mask >> cpu) & 1)) {
			if (t->state == THREAD_READY && list_linked(&t->link)) {
				rq_remove(rq, t);
				move = true;
			} else if (t == rq->current) {
				rq->need_resched = kick = true;
			}
		}
		spin_unlock(&rq->lock);
		if (move)
			enqueue_thread(t);
		if (kick && cpu != cpu_id())
			cpu_send_ipi(cpu, CPU_IPI_RESCHEDULE);
		break;
	}
	hal_irq_restore(flags);
	preempt_check();
	return true;
}

/* ---- Wait queues */

void wait_queue_init(struct wait_queue *wq, const char *name)
{
	spin_init(&wq->lock, name);
	list_init(&wq->waiters);
}

static void timeout_expired(struct ktimer *timer)
{
	struct thread *t = (struct thread *)((char *)timer - offsetof(struct thread, timeout));
	struct wait_queue *wq = __atomic_load_n(&t->wq, __ATOMIC_ACQUIRE);

	if (wq == NULL)
		return;
	spin_lock(&wq->lock);
	end_wait_locked(wq, t, WAIT_TIMEOUT);
	spin_unlock(&wq->lock);
}

/*
 * Whether the current thread t may not start a wait at all: WAIT_CANCELLED
 * or WAIT_TIMEOUT, or WAIT_WOKEN when it may.
 */
static __always_inline enum wait_result wait_refused(struct thread *t, uint64_t deadline_ns,
						     unsigned flags)
{
	if ((flags & WAIT_CANCELLABLE) &&
	    (__atomic_load_n(&t->flags, __ATOMIC_SEQ_CST) & THREAD_F_CANCEL))
		return WAIT_CANCELLED;
	if (deadline_ns != WAIT_FOREVER && hal_clock_ns() >= deadline_ns)
		return WAIT_TIMEOUT;
	return WAIT_WOKEN;
}

/*
 * Block c's current thread on wq (its lock held) and switch away: to
 * the best ready thread, or to `next` (off every queue, allowed here; the
 * hand-off) when not NULL. Returns how the wait ended, wq's lock held
 * again; WAIT_CANCELLED without switching when a cancellation came first
 * (`next`, if any, is then woken the usual way).
 */
static __always_inline enum wait_result sleep_locked(struct cpu *c, struct wait_queue *wq,
						     uint64_t deadline_ns, unsigned flags,
						     struct thread *next)
{
	struct thread *t = c->sched.current;

	t->wait_flags = flags;
	t->wake_result = WAIT_WOKEN;
	if (flags & WAIT_FRONT)
		list_push_front(&wq->waiters, &t->link);
	else
		list_push_back(&wq->waiters, &t->link);
	t->state = THREAD_BLOCKED;
	__atomic_store_n(&t->wq, wq, __ATOMIC_SEQ_CST);
	/* thread_cancel() may have set the flag before it could see t->wq. */
	if ((flags & WAIT_CANCELLABLE) &&
	    (__atomic_load_n(&t->flags, __ATOMIC_SEQ_CST) & THREAD_F_CANCEL)) {
		list_remove(&t->link);
		t->wq = NULL;
		t->state = THREAD_RUNNING;
		if (next != NULL)
			enqueue_thread(next);
		return WAIT_CANCELLED;
	}
	if (deadline_ns != WAIT_FOREVER)
		ktimer_arm(&t->timeout, deadline_ns, timeout_expired);
	/* The caller took the lock with interrupts masked; they stay masked. */
	spin_unlock(&wq->lock);
	if (next == NULL) {
		schedule();
	} else {
		/* schedule() without the pick: next is off every queue and may run here. */
		spin_lock(&c->sched.lock);
		c->sched.need_resched = false;
		c->sched.migrate = NULL;
		switch_locked(c, t, next);
	}
	if (deadline_ns != WAIT_FOREVER)
		ktimer_cancel(&t->timeout);
	spin_lock(&wq->lock);
	return t->wake_result;
}

enum wait_result wait_queue_wait_locked(struct wait_queue *wq, uint64_t deadline_ns, unsigned flags)
{
	struct cpu *c = cpu_current();
	enum wait_result refused = wait_refused(c->sched.current, deadline_ns, flags);

	if (refused != WAIT_WOKEN)
		return refused;
	return sleep_locked(c, wq, deadline_ns, flags, NULL);
}

bool wait_queue_wake_thread_locked(struct wait_queue *wq, struct thread *t)
{
	return end_wait_locked(wq, t, WAIT_WOKEN);
}

/*
 * Whether `next`, blocked on wq (its lock held), can take this CPU from
 * the caller at once: it may run here, is off every CPU, and nothing of
 * higher priority waits in this run queue (read without its lock: a
 * thread queued meanwhile runs at the next switch).
 */
static bool can_hand_off(struct cpu *c, struct wait_queue *wq, struct thread *next)
{
	return next->wq == wq && next->state == THREAD_BLOCKED && list_linked(&next->link) &&
	       allowed_on(next, c->id) && !__atomic_load_n(&next->on_cpu, __ATOMIC_ACQUIRE) &&
	       (int)next->priority >= rq_top(&c->sched) && c->preempt_count == 1;
}

enum wait_result wait_queue_wait_handoff_locked(struct wait_queue *wq, uint64_t deadline_ns,
						unsigned flags, struct thread *next)
{
	struct cpu *c = cpu_current();
	struct thread *t = c->sched.current;

	/*
	 * The wq lock is the only one held (preempt_count 1): anything else
	 * would be a lock held across the switch, which schedule() refuses.
	 */
	if (!can_hand_off(c, wq, next) || wait_refused(t, deadline_ns, flags) != WAIT_WOKEN) {
		end_wait_locked(wq, next, WAIT_WOKEN);
		return wait_queue_wait_locked(wq, deadline_ns, flags);
	}
	list_remove(&next->link);
	next->wq = NULL;
	next->wake_result = WAIT_WOKEN;
	return sleep_locked(c, wq, deadline_ns, flags, next);
}

unsigned wait_queue_wake_one_locked(struct wait_queue *wq)
{
	struct list_node *n = list_first(&wq->waiters);

	if (n == NULL)
		return 0;
	return end_wait_locked(wq, list_entry(n, struct thread, link), WAIT_WOKEN) ? 1 : 0;
}

unsigned wait_queue_wake_all_locked(struct wait_queue *wq)
{
	unsigned n = 0;

	while (wait_queue_wake_one_locked(wq) != 0)
		n++;
	return n;
}

unsigned wait_queue_wake_one(struct wait_queue *wq)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	unsigned n = wait_queue_wake_one_locked(wq);

	spin_unlock_irqrestore(&wq->lock, flags);
	preempt_check();
	return n;
}

unsigned wait_queue_wake_all(struct wait_queue *wq)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	unsigned n = wait_queue_wake_all_locked(wq);

	spin_unlock_irqrestore(&wq->lock, flags);
	preempt_check();
	return n;
}

void thread_sleep_ns(uint64_t ns)
{
	struct wait_queue wq;
	uint64_t deadline = hal_clock_ns() + ns;

	thread_testcancel();
	wait_queue_init(&wq, "sleep");

	unsigned long flags = spin_lock_irqsave(&wq.lock);
	enum wait_result r = WAIT_WOKEN;

	while (r != WAIT_TIMEOUT && r != WAIT_CANCELLED)
		r = wait_queue_wait_locked(&wq, deadline, WAIT_CANCELLABLE);
	spin_unlock_irqrestore(&wq.lock, flags);
	if (r == WAIT_CANCELLED)
		thread_exit(THREAD_CANCELLED);
}

struct sched_stats sched_get_stats(unsigned cpu)
{
	struct cpu *c = cpu_get(cpu);

	return (struct sched_stats){
		.nr_ready = __atomic_load_n(&c->sched.nr_ready, __ATOMIC_RELAXED),
		.context_switches =
			__atomic_load_n(&c->counters.context_switches, __ATOMIC_RELAXED),
		.steals = __atomic_load_n(&c->sched.steals, __ATOMIC_RELAXED),
	};
}
