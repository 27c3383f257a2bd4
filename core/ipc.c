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
	struct ipc_thread *receiver; /* while CALL_RECEIVED */
};

static void endpoint_release(struct kobject *o)
{
	struct endpoint *ep = container_of(o, struct endpoint, object);

	assert(list_empty(&ep->calls)); /* every queued caller holds a reference */
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

int ipc_call(struct endpoint *ep, struct ipc_message *msg, uint64_t deadline_ns)
{
	struct ipc_call call = { .state = CALL_QUEUED, .msg = msg };
	enum wait_result why = WAIT_WOKEN;
	unsigned long irq;
	int status;

	list_init(&call.link);
	irq = spin_lock_irqsave(&ep->wq.lock);
	list_push_back(&ep->calls, &call.link);
	wait_queue_wake_all_locked(&ep->wq); /* a receiver may be waiting */
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

/* Fail the call self holds, if any (lock of self->endpoint not held). */
static void fail_held_call(struct ipc_thread *self)
{
	struct endpoint *ep = self->endpoint;
	unsigned long irq;

	if (ep == NULL)
		return;
	irq = spin_lock_irqsave(&ep->wq.lock);
	if (self->call != NULL) {
		self->call->state = CALL_FAILED;
		self->call = NULL;
		wait_queue_wake_all_locked(&ep->wq);
	}
	self->endpoint = NULL;
	spin_unlock_irqrestore(&ep->wq.lock, irq);
	kobject_put(&ep->object);
}

int ipc_recv(struct ipc_thread *self, struct endpoint *ep, struct ipc_message *msg,
	     uint64_t deadline_ns)
{
	enum wait_result why = WAIT_WOKEN;
	struct list_node *first;
	unsigned long irq;

	fail_held_call(self);
	irq = spin_lock_irqsave(&ep->wq.lock);
	while ((first = list_first(&ep->calls)) == NULL && why == WAIT_WOKEN)
		why = wait_queue_wait_locked(&ep->wq, deadline_ns, WAIT_CANCELLABLE);
	if (first == NULL) {
		spin_unlock_irqrestore(&ep->wq.lock, irq);
		return status_of(why);
	}
	struct ipc_call *call = container_of(first, struct ipc_call, link);

	list_remove(&call->link);
	call->state = CALL_RECEIVED;
	call->receiver = self;
	move_message(msg, call->msg);
	self->call = call;
	kobject_get(&ep->object);
	self->endpoint = ep;
	spin_unlock_irqrestore(&ep->wq.lock, irq);
	return IPC_OK;
}

int ipc_reply(struct ipc_thread *self, struct ipc_message *msg)
{
	struct endpoint *ep = self->endpoint;
	unsigned long irq;
	int status = IPC_PEER_GONE;

	if (ep == NULL) {
		ipc_message_drop(msg);
		return IPC_NO_CALL;
	}
	irq = spin_lock_irqsave(&ep->wq.lock);
	if (self->call != NULL) {
		move_message(self->call->msg, msg);
		self->call->state = CALL_REPLIED;
		self->call = NULL;
		wait_queue_wake_all_locked(&ep->wq);
		status = IPC_OK;
	}
	self->endpoint = NULL;
	spin_unlock_irqrestore(&ep->wq.lock, irq);
	kobject_put(&ep->object);
	ipc_message_drop(msg); /* nothing left when delivered */
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
