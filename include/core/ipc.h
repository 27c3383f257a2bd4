/*
 * include/core/ipc.h - synchronous IPC through endpoints (X2).
 *
 * An endpoint is a rendezvous: a thread calls it with a message and waits
 * for the reply; a thread receives the next call on it and, later,
 * replies. Messages are struct ipc_message in kernel memory (the syscall
 * layer copies them from and to user memory and turns handles into object
 * references and back), so this file knows no process and no user address.
 *
 * Calls are served in FIFO order. A receiver holds at most one call to
 * reply to (struct ipc_thread, per thread): receiving again first fails
 * the one it held (the caller gets IPC_PEER_GONE), and so does the
 * receiver's exit. A caller that gives up (timeout, cancellation) before
 * the reply leaves its receiver nothing to reply to: the reply then ends
 * with IPC_PEER_GONE and its objects are dropped.
 *
 * Objects travel with a message: up to IPC_OBJECTS references, each with
 * rights. They belong to the message: delivered, they are the receiver's;
 * when a message is not delivered, ipc_message_drop() puts them.
 *
 * Locking: everything of an endpoint (its queue of calls, its queue of
 * waiting receivers, the state of its calls, the receivers' reply slots
 * for calls from it) is under the lock of its one wait queue, which
 * callers and receivers both sleep on; every wake-up names its thread.
 *
 * Fast path: a call that finds a receiver waiting moves its message into
 * the receiver's buffer and switches this CPU straight to it
 * (wait_queue_wait_handoff_locked: no run queue); a reply_recv that finds
 * no call queued switches straight back to the caller it answered.
 */
#ifndef CORE_IPC_H
#define CORE_IPC_H

#include <base/list.h>
#include <core/handle.h>
#include <core/sched.h>
#include <core/syscall.h>
#include <stdint.h>

#define IPC_WORDS   SYS_IPC_WORDS
#define IPC_OBJECTS SYS_IPC_HANDLES

struct ipc_message {
	uint64_t words[IPC_WORDS];
	uint32_t word_count;
	uint32_t object_count;
	struct kobject *objects[IPC_OBJECTS];
	uint32_t rights[IPC_OBJECTS];
};

struct endpoint {
	struct kobject object;	    /* KOBJ_ENDPOINT */
	struct wait_queue wq;	    /* its lock guards everything below */
	struct list_node calls;	    /* struct ipc_call, waiting for a receiver (FIFO) */
	struct list_node receivers; /* receivers waiting for a call (FIFO) */
};

struct ipc_call;

/* A thread's IPC state: the call it received and has not replied to. */
struct ipc_thread {
	struct ipc_call *call;
	struct endpoint *endpoint; /* the call's endpoint (a reference) */
};

/* Results of the functions below. */
enum ipc_status {
	IPC_OK = 0,
	IPC_TIMED_OUT, /* the deadline passed first (a deadline of 0: no partner was there) */
	IPC_CANCELLED, /* the thread was cancelled (its process is being killed) */
	IPC_PEER_GONE, /* the other side left: the receiver died, or the caller gave up */
	IPC_NO_CALL,   /* reply: this thread holds no call */
};

/* A new endpoint, with one reference (the caller's); NULL when out of memory. */
struct endpoint *endpoint_create(void);

/*
 * Send *msg on ep and wait until the reply replaces it, until deadline_ns
 * (WAIT_FOREVER, or 0 for "only if a receiver is waiting"), or until
 * cancelled. The message's objects go with the call; if it is not
 * received they are dropped. On IPC_OK, *msg is the reply (its objects are
 * the caller's).
 */
int ipc_call(struct endpoint *ep, struct ipc_message *msg, uint64_t deadline_ns);

/*
 * Take the next call on ep into *msg, waiting until deadline_ns (0: do not
 * wait) or cancellation. The thread then holds the call until it replies.
 */
int ipc_recv(struct ipc_thread *self, struct endpoint *ep, struct ipc_message *msg,
	     uint64_t deadline_ns);

/* Reply to the held call with *msg (its objects go to the caller, or are dropped). */
int ipc_reply(struct ipc_thread *self, struct ipc_message *msg);

/*
 * Whether self holds a call to reply to (it may have been given up by its
 * caller meanwhile). Only self's own thread changes this, so the answer
 * stays true until that thread replies, receives again or exits.
 */
static inline bool ipc_holds_call(const struct ipc_thread *self)
{
	return self->endpoint != NULL;
}

/*
 * ipc_reply() then ipc_recv(), and the fast path of a server loop: when
 * self holds a call from ep, the reply and the receive are one step, and
 * while no call is queued the CPU goes straight to the caller that was
 * just answered. How the reply went is not reported.
 */
int ipc_reply_recv(struct ipc_thread *self, struct endpoint *ep, struct ipc_message *msg,
		   uint64_t deadline_ns);

/* The thread ends: a held call fails with IPC_PEER_GONE. */
void ipc_thread_exit(struct ipc_thread *self);

/* Put the message's object references and forget them. */
void ipc_message_drop(struct ipc_message *msg);

/*
 * Notifications (X2, asynchronous): a word of signal bits. Signalling ORs
 * bits in and wakes every waiter, and never blocks, so interrupt handlers
 * may signal; a wait returns the bits set so far and clears them, or waits
 * until some are set. KOBJ_NOTIFICATION.
 */
struct notification {
	struct kobject object;
	struct wait_queue wq; /* its lock guards `bits` */
	uint64_t bits;
};

/* A new notification with no bits set and one reference; NULL when out of memory. */
struct notification *notification_create(void);

/* OR bits in and wake the waiters. Any context, interrupt handlers included. */
void notification_signal(struct notification *n, uint64_t bits);

/*
 * Take every set bit into *bits (clearing them), waiting until one is set,
 * until deadline_ns (0: do not wait) or cancellation: IPC_OK,
 * IPC_TIMED_OUT or IPC_CANCELLED.
 */
int notification_wait(struct notification *n, uint64_t deadline_ns, uint64_t *bits);

const char *ipc_status_name(int status);

#endif /* CORE_IPC_H */
