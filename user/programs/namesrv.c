/*
 * user/programs/namesrv.c - the name service (X4): a table of names, each
 * naming an endpoint, so that clients find services by name instead of
 * being handed every handle by init (keel/service.h has the protocol).
 *
 * main(arg): arg is a handle to init's bootstrap endpoint. The service
 * makes its endpoint, hands init a handle to it with BOOT_HELLO, then
 * answers NAME_REGISTER and NAME_LOOKUP forever, one call at a time.
 *
 * A registered endpoint's handle stays in this process for good; a lookup
 * gets a duplicate of it. Every handle that comes with a request and is not
 * kept is closed before the reply, so no request, however malformed, costs
 * a slot of the handle table (which would end in a service that can no
 * longer receive handles).
 */
#include <base/printf.h>
#include <keel/service.h>
#include <keel/user.h>

struct entry {
	uint64_t name[3]; /* packed (service_name_pack()); all 0 when free */
	uint64_t handle;
};

static struct entry table[NAME_MAX_ENTRIES];

static struct entry *find(const uint64_t name[3])
{
	for (unsigned i = 0; i < NAME_MAX_ENTRIES; i++)
		if (table[i].handle != 0 && table[i].name[0] == name[0] &&
		    table[i].name[1] == name[1] && table[i].name[2] == name[2])
			return &table[i];
	return NULL;
}

static struct entry *free_entry(void)
{
	for (unsigned i = 0; i < NAME_MAX_ENTRIES; i++)
		if (table[i].handle == 0)
			return &table[i];
	return NULL;
}

/* Close the handles of a request from index `from` on (0 slots: dropped by the kernel). */
static void close_received(const struct sys_ipc_message *m, uint32_t from)
{
	for (uint32_t i = from; i < m->handle_count && i < SYS_IPC_HANDLES; i++)
		if (m->handles[i] != 0)
			sys_handle_close(m->handles[i]);
}

/*
 * Whether `h` can be handed out as the protocol promises: a duplicate with
 * NAME_RIGHTS must work (the only way to learn a handle's rights). The
 * type of object cannot be checked; a client that publishes a
 * notification under a name only misleads its own clients.
 */
static bool publishable(uint64_t h)
{
	struct syscall_result r = sys_handle_duplicate(h, NAME_RIGHTS);

	if (r.status != SYSCALL_STATUS_OK)
		return false;
	sys_handle_close(r.value);
	return true;
}

static uint64_t do_register(const struct sys_ipc_message *req)
{
	uint64_t h = req->handle_count >= 1 ? req->handles[0] : 0;
	uint64_t status;
	struct entry *e;

	close_received(req, 1);
	if (req->word_count < 4 || !service_name_valid(&req->words[1]) || h == 0 || !publishable(h))
		status = NAME_BAD_REQUEST;
	else if (find(&req->words[1]) != NULL)
		status = NAME_TAKEN;
	else if ((e = free_entry()) == NULL)
		status = NAME_FULL;
	else {
		for (unsigned i = 0; i < 3; i++)
			e->name[i] = req->words[1 + i];
		e->handle = h;
		return NAME_OK; /* the handle is the table's now */
	}
	if (h != 0)
		sys_handle_close(h);
	return status;
}

/* Fill *reply for a lookup: a duplicate of the registered handle moves with it. */
static void do_lookup(const struct sys_ipc_message *req, struct sys_ipc_message *reply)
{
	struct entry *e;

	close_received(req, 0);
	if (req->word_count < 4 || !service_name_valid(&req->words[1])) {
		reply->words[0] = NAME_BAD_REQUEST;
		return;
	}
	if ((e = find(&req->words[1])) == NULL) {
		reply->words[0] = NAME_NOT_FOUND;
		return;
	}
	struct syscall_result r = sys_handle_duplicate(e->handle, NAME_RIGHTS);

	if (r.status != SYSCALL_STATUS_OK) { /* our table is full: say so, keep serving */
		reply->words[0] = NAME_FULL;
		return;
	}
	reply->words[0] = NAME_OK;
	reply->handles[0] = r.value;
	reply->handle_count = 1;
}

/* The reply to *req; received handles are kept or closed. */
static struct sys_ipc_message answer(const struct sys_ipc_message *req)
{
	struct sys_ipc_message reply = { .word_count = 1 };

	if (req->word_count < 1) {
		close_received(req, 0);
		reply.words[0] = NAME_BAD_REQUEST;
		return reply;
	}
	switch (req->words[0]) {
	case NAME_REGISTER:
		reply.words[0] = do_register(req);
		break;
	case NAME_LOOKUP:
		do_lookup(req, &reply);
		break;
	default:
		close_received(req, 0);
		reply.words[0] = NAME_BAD_REQUEST;
		break;
	}
	return reply;
}

/* BOOT_HELLO: hand init our endpoint (a duplicate with NAME_RIGHTS), wait for its OK. */
static bool hello(uint64_t boot, uint64_t ep)
{
	struct syscall_result r = sys_handle_duplicate(ep, NAME_RIGHTS);
	struct sys_ipc_message m = { .words = { BOOT_HELLO }, .word_count = 1 };

	if (r.status != SYSCALL_STATUS_OK)
		return false;
	m.handles[0] = r.value;
	m.handle_count = 1;
	r = sys_ipc_call(boot, &m, SYS_IPC_FOREVER);
	if (r.status != SYSCALL_STATUS_OK)
		return false;
	close_received(&m, 0);
	return m.word_count >= 1 && m.words[0] == BOOT_OK;
}

uint64_t main(uint64_t boot)
{
	struct syscall_result r = sys_endpoint_create();

	if (boot == 0 || r.status != SYSCALL_STATUS_OK) {
		printf("namesrv: no bootstrap handle, or no endpoint (status %llu)\n",
		       (unsigned long long)r.status);
		return 1;
	}
	uint64_t ep = r.value;

	if (!hello(boot, ep)) {
		printf("namesrv: init did not take the hello\n");
		return 2;
	}
	sys_handle_close(boot);

	return keel_serve("namesrv", ep, answer);
}
