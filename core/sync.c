/*
 * core/sync.c - mutexes and semaphores on wait queues (include/core/sync.h).
 */
#include <base/assert.h>
#include <core/sync.h>

void mutex_init(struct mutex *m, const char *name)
{
	wait_queue_init(&m->wq, name);
	m->owner = NULL;
	m->waking = false;
	m->name = name;
}

void mutex_lock(struct mutex *m)
{
	struct thread *self = thread_current();
	unsigned long flags = spin_lock_irqsave(&m->wq.lock);
	unsigned wait_flags = 0;

	if (m->owner == self)
		PANIC("mutex %s: thread %s locks it again", m->name, self->name);
	/*
	 * A woken waiter competes with running threads for the mutex; one
	 * that loses waits again at the front, so waiters keep their order.
	 */
	while (m->owner != NULL) {
		wait_queue_wait_locked(&m->wq, WAIT_FOREVER, wait_flags);
		m->waking = false; /* this is the woken one: the next unlock may wake another */
		wait_flags = WAIT_FRONT;
	}
	m->owner = self;
	spin_unlock_irqrestore(&m->wq.lock, flags);
}

bool mutex_trylock(struct mutex *m)
{
	unsigned long flags = spin_lock_irqsave(&m->wq.lock);
	bool got = m->owner == NULL;

	if (got)
		m->owner = thread_current();
	spin_unlock_irqrestore(&m->wq.lock, flags);
	return got;
}

void mutex_unlock(struct mutex *m)
{
	struct thread *self = thread_current();
	unsigned long flags = spin_lock_irqsave(&m->wq.lock);

	if (m->owner != self)
		PANIC("mutex %s: thread %s unlocks it but does not hold it", m->name, self->name);
	m->owner = NULL;
	/*
	 * One woken waiter at a time. A thread that unlocks and locks again
	 * in a loop usually takes the mutex back before the waiter it woke
	 * runs; waking another waiter at each unlock only sent them all
	 * through a wake-up, a switch and a wait again (8 adders on 4 CPUs:
	 * 40000 such round trips under emulation, past two minutes on a
	 * loaded host). The woken one clears `waking` when it runs, whether it
	 * gets the mutex or waits again, so no unlock is left unanswered: a
	 * waiter that finds the mutex taken will see its holder's unlock.
	 */
	if (!m->waking && wait_queue_wake_one_locked(&m->wq) != 0)
		m->waking = true;
	spin_unlock_irqrestore(&m->wq.lock, flags);
}

bool mutex_held(struct mutex *m)
{
	return __atomic_load_n(&m->owner, __ATOMIC_RELAXED) == thread_current();
}

void semaphore_init(struct semaphore *s, uint64_t count, const char *name)
{
	wait_queue_init(&s->wq, name);
	s->count = count;
}

void semaphore_post(struct semaphore *s)
{
	unsigned long flags = spin_lock_irqsave(&s->wq.lock);

	s->count++;
	wait_queue_wake_one_locked(&s->wq);
	spin_unlock_irqrestore(&s->wq.lock, flags);
}

bool semaphore_wait_until(struct semaphore *s, uint64_t deadline_ns)
{
	unsigned long flags = spin_lock_irqsave(&s->wq.lock);
	enum wait_result r = WAIT_WOKEN;

	while (s->count == 0 && r == WAIT_WOKEN)
		r = wait_queue_wait_locked(&s->wq, deadline_ns, WAIT_CANCELLABLE);
	bool got = s->count > 0;

	if (got)
		s->count--;
	/*
	 * A waiter woken for a unit another thread took first, or that timed
	 * out just as a post came: pass the wake-up on, so no unit sits in
	 * the count while someone waits.
	 */
	if (s->count > 0)
		wait_queue_wake_one_locked(&s->wq);
	spin_unlock_irqrestore(&s->wq.lock, flags);
	if (!got && r == WAIT_CANCELLED)
		thread_exit(THREAD_CANCELLED);
	return got;
}

void semaphore_wait(struct semaphore *s)
{
	semaphore_wait_until(s, WAIT_FOREVER);
}

bool semaphore_trywait(struct semaphore *s)
{
	unsigned long flags = spin_lock_irqsave(&s->wq.lock);
	bool got = s->count > 0;

	if (got)
		s->count--;
	spin_unlock_irqrestore(&s->wq.lock, flags);
	return got;
}
