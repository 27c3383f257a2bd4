/*
 * core/ipc.c - synchronous IPC through endpoints (X2; include/core/ipc.h).
 *
 * A call lives on its caller's kernel stack for as long as the caller
 * waits; the caller takes it off every list and clears the receiver's
 * pointer to it (under the endpoint's lock) before it returns, so nothing
 * points at a call whose caller has left.
 */
#include <base/assert.h>
#include <base/compiler.h>
#include <base/string.h>
#include <core/heap.h>
#include <core/ipc.h>

enum call_state {
	CALL_QUEUED,   /* on ep->calls */
	CALL_RECEIVED, /* a receiver holds it */
	CALL_REPLIED,  /* the reply is in msg */
	CALL_FAILED,   /* the receiver left without replying */
};

struct ipc_call {
	struct list_node link;
	enum call_state state;
	struct ipc_message *msg;     /* the caller's: request in, reply out */
	struct thread *caller;	     /* blocked on ep->wq until the state leaves RECEIVED */
	struct ipc_thread *receiver; /* while CALL_RECEIVED */
};

/* A receiver waiting on ep->wq for a call, on its own stack, on ep->receivers. */
struct ipc_waiter {
	struct list_node link;
	struct thread *thread;
	struct ipc_thread *self;
	struct ipc_message *msg; /* where a caller puts its message */
	bool filled;		 /* a caller did, and made self hold the call */
};

static void endpoint_release(struct kobject *o)
{
	struct endpoint *ep = container_of(o, struct endpoint, object);

	assert(list_empty(&ep->calls)); /* every queued caller holds a reference */
	assert(list_empty(&ep->receivers));
	kfree(ep);
}

struct endpoint *endpoint_create(void)
{
	struct endpoint *ep = kzalloc(sizeof(*ep));

	if (ep == NULL)
		return NULL;
	kobject_init(&ep->object, KOBJ_ENDPOINT, endpoint_release);
	wait_queue_init(&ep->wq, "endpoint");
	list_init(&ep->calls);
	list_init(&ep->receivers);
	return ep;
}

void ipc_message_drop(struct ipc_message *msg)
{
	for (uint32_t i = 0; i < msg->object_count; i++)
		kobject_put(msg->objects[i]);
	msg->object_count = 0;
}

/* Move src into dst: words and object references (src keeps none). */
static void move_message(struct ipc_message *dst, struct ipc_message *src)
{
	memcpy(dst, src, sizeof(*dst));
	src->object_count = 0;
}

static int status_of(enum wait_result why)
{
	return why == WAIT_CANCELLED ? IPC_CANCELLED : IPC_TIMED_OUT;
}

/* self now holds `call` from ep (ep's lock held). */
static void hold(struct ipc_thread *self, struct endpoint *ep, struct ipc_call *call)
{
	call->state = CALL_RECEIVED;
	call->receiver = self;
	self->call = call;
	kobject_get(&ep->object); /* not the last: the caller holds one */
	self->endpoint = ep;
}

/*
 * Give `call` to the first waiting receiver, if there is one (ep's lock
 * held): its message is moved over and the receiver holds the call. The
 * receiver's thread, still blocked, or NULL.
 */
static struct thread *deliver(struct endpoint *ep, struct ipc_call *call)
{
	struct list_node *first = list_first(&ep->receivers);

	if (first == NULL)
		return NULL;
	struct ipc_waiter *w = container_of(first, struct ipc_waiter, link);

	list_remove(&w->link);
	move_message(w->msg, call->msg);
	hold(w->self, ep, call);
	w->filled = true;
	return w->thread;
}

int ipc_call(struct endpoint *ep, struct ipc_message *msg, uint64_t deadline_ns)
{
	struct ipc_call call = { .state = CALL_QUEUED, .msg = msg, .caller = thread_current() };
	enum wait_result why = WAIT_WOKEN;
	unsigned long irq;
	int status;

	list_init(&call.link);
	irq = spin_lock_irqsave(&ep->wq.lock);
	struct thread *receiver = deliver(ep, &call);

	if (receiver != NULL) /* the fast path: straight to the receiver */
		why = wait_queue_wait_handoff_locked(&ep->wq, deadline_ns, WAIT_CANCELLABLE,
						     receiver);
	else
		list_push_back(&ep->calls, &call.link); /* a receiver comes for it */
	while ((call.state == CALL_QUEUED || call.state == CALL_RECEIVED) && why == WAIT_WOKEN)
		why = wait_queue_wait_locked(&ep->wq, deadline_ns, WAIT_CANCELLABLE);
	switch (call.state) {
	case CALL_REPLIED:
		status = IPC_OK;
		break;
	case CALL_FAILED:
		status = IPC_PEER_GONE;
		break;
	case CALL_QUEUED: /* nobody took it */
		list_remove(&call.link);
		status = status_of(why);
		break;
	default: /* CALL_RECEIVED: the receiver will find nothing to reply to */
		call.receiver->call = NULL;
		status = status_of(why);
		break;
	}
	spin_unlock_irqrestore(&ep->wq.lock, irq);
	if (status != IPC_OK)
		ipc_message_drop(msg); /* never received: its objects go (received: none left) */
	return status;
}

/*
 * End the call self holds with `state` (ep's lock held); the caller, if
 * it still waits, is returned (not woken yet).
 */
static struct thread *end_held_call(struct ipc_thread *self, enum call_state state)
{
	struct ipc_call *call = self->call;

	if (call == NULL)
		return NULL; /* its caller gave up */
	call->state = state;
	self->call = NULL;
	return call->caller;
}

/* Fail the call self holds, if any (lock of self->endpoint not held). */
static void fail_held_call(struct ipc_thread *self)
{
	struct endpoint *ep = self->endpoint;
	unsigned long irq;

	if (ep == NULL)
		return;
	irq = spin_lock_irqsave(&ep->wq.lock);
	struct thread *caller = end_held_call(self, CALL_FAILED);

	if (caller != NULL)
		wait_queue_wake_thread_locked(&ep->wq, caller);
	self->endpoint = NULL;
	spin_unlock_irqrestore(&ep->wq.lock, irq);
	kobject_put(&ep->object);
}

/*
 * Receive on ep (its lock held, self holding nothing): a queued call, or
 * wait for one. `handoff`, when not NULL, is a thread blocked on ep->wq to
 * switch to while waiting (reply_recv's caller).
 */
static int receive_locked(struct ipc_thread *self, struct endpoint *ep, struct ipc_message *msg,
			  uint64_t deadline_ns, struct thread *handoff)
{
	struct list_node *first = list_first(&ep->calls);

	if (first != NULL) {
		struct ipc_call *call = container_of(first, struct ipc_call, link);

		list_remove(&call->link);
		move_message(msg, call->msg);
		hold(self, ep, call);
		if (handoff != NULL)
			wait_queue_wake_thread_locked(&ep->wq, handoff);
		return IPC_OK;
	}
	struct ipc_waiter w = { .thread = thread_current(), .self = self, .msg = msg };
	enum wait_result why;

	list_push_back(&ep->receivers, &w.link);
	if (handoff != NULL)
		why = wait_queue_wait_handoff_locked(&ep->wq, deadline_ns, WAIT_CANCELLABLE,
						     handoff);
	else
		why = wait_queue_wait_locked(&ep->wq, deadline_ns, WAIT_CANCELLABLE);
	while (!w.filled && why == WAIT_WOKEN)
		why = wait_queue_wait_locked(&ep->wq, deadline_ns, WAIT_CANCELLABLE);
	if (list_linked(&w.link))
		list_remove(&w.link);
	return w.filled ? IPC_OK : status_of(why);
}

int ipc_recv(struct ipc_thread *self, struct endpoint *ep, struct ipc_message *msg,
	     uint64_t deadline_ns)
{
	unsigned long irq;
	int status;

	fail_held_call(self);
	irq = spin_lock_irqsave(&ep->wq.lock);
	status = receive_locked(self, ep, msg, deadline_ns, NULL);
	spin_unlock_irqrestore(&ep->wq.lock, irq);
	return status;
}

/* Reply to the held call with *msg (ep = self->endpoint, its lock held); its caller, or NULL. */
static struct thread *reply_locked(struct ipc_thread *self, struct ipc_message *msg)
{
	struct ipc_call *call = self->call;

	if (call != NULL)
		move_message(call->msg, msg);
	return end_held_call(self, CALL_REPLIED);
}

int ipc_reply(struct ipc_thread *self, struct ipc_message *msg)
{
	struct endpoint *ep = self->endpoint;
	unsigned long irq;
	struct thread *caller;

	if (ep == NULL) {
		ipc_message_drop(msg);
		return IPC_NO_CALL;
	}
	irq = spin_lock_irqsave(&ep->wq.lock);
	caller = reply_locked(self, msg);
	if (caller != NULL)
		wait_queue_wake_thread_locked(&ep->wq, caller);
	self->endpoint = NULL;
	spin_unlock_irqrestore(&ep->wq.lock, irq);
	kobject_put(&ep->object);
	ipc_message_drop(msg); /* nothing left when delivered */
	return caller != NULL ? IPC_OK : IPC_PEER_GONE;
}

int ipc_reply_recv(struct ipc_thread *self, struct endpoint *ep, struct ipc_message *msg,
		   uint64_t deadline_ns)
{
	unsigned long irq;
	int status;

	if (self->endpoint != ep) { /* nothing held from ep: the slow way */
		if (self->endpoint != NULL)
			ipc_reply(self, msg);
		else
			ipc_message_drop(msg);
		return ipc_recv(self, ep, msg, deadline_ns);
	}
	irq = spin_lock_irqsave(&ep->wq.lock);
	struct thread *caller = reply_locked(self, msg);

	self->endpoint = NULL;
	kobject_put(&ep->object); /* not the last: our caller's lookup holds one */
	ipc_message_drop(msg);
	/* The fast path: receive, and run the caller here while waiting. */
	status = receive_locked(self, ep, msg, deadline_ns, caller);
	spin_unlock_irqrestore(&ep->wq.lock, irq);
	return status;
}

void ipc_thread_exit(struct ipc_thread *self)
{
	fail_held_call(self);
}

/* ---- Notifications */

static void notification_release(struct kobject *o)
{
	kfree(container_of(o, struct notification, object));
}

struct notification *notification_create(void)
{
	struct notification *n = kzalloc(sizeof(*n));

	if (n == NULL)
		return NULL;
	kobject_init(&n->object, KOBJ_NOTIFICATION, notification_release);
	wait_queue_init(&n->wq, "notification");
	return n;
}

void notification_signal(struct notification *n, uint64_t bits)
{
	unsigned long irq = spin_lock_irqsave(&n->wq.lock);

	n->bits |= bits;
	wait_queue_wake_all_locked(&n->wq);
	spin_unlock_irqrestore(&n->wq.lock, irq);
}

int notification_wait(struct notification *n, uint64_t deadline_ns, uint64_t *bits)
{
	enum wait_result why = WAIT_WOKEN;
	unsigned long irq = spin_lock_irqsave(&n->wq.lock);

	while (n->bits == 0 && why == WAIT_WOKEN)
		why = wait_queue_wait_locked(&n->wq, deadline_ns, WAIT_CANCELLABLE);
	*bits = n->bits;
	n->bits = 0;
	spin_unlock_irqrestore(&n->wq.lock, irq);
	return *bits != 0 ? IPC_OK : status_of(why);
}

const char *ipc_status_name(int status)
{
	switch (status) {
	case IPC_OK:
		return "OK";
	case IPC_TIMED_OUT:
		return "TIMED_OUT";
	case IPC_CANCELLED:
		return "CANCELLED";
	case IPC_PEER_GONE:
		return "PEER_GONE";
	case IPC_NO_CALL:
		return "NO_CALL";
	}
	return "?";
}
