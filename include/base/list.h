/*
 * include/base/list.h - intrusive circular doubly linked lists.
 *
 * A struct list_node is embedded in the object it links; a list is a head
 * node whose next/prev point at itself when the list is empty. Nothing
 * allocates: insertion and removal are O(1) pointer updates, and the
 * caller provides whatever locking the list needs.
 */
#ifndef BASE_LIST_H
#define BASE_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_node {
	struct list_node *next, *prev;
};

/* The object that embeds `node` as its member `member`. */
#define list_entry(node, type, member) ((type *)((char *)(node) - offsetof(type, member)))

static inline void list_init(struct list_node *head)
{
	head->next = head;
	head->prev = head;
}

static inline bool list_empty(const struct list_node *head)
{
	return head->next == head;
}

/* Insert `node` between two adjacent nodes. */
static inline void list_insert_between(struct list_node *node, struct list_node *prev,
				       struct list_node *next)
{
	node->prev = prev;
	node->next = next;
	prev->next = node;
	next->prev = node;
}

static inline void list_push_back(struct list_node *head, struct list_node *node)
{
	list_insert_between(node, head->prev, head);
}

static inline void list_push_front(struct list_node *head, struct list_node *node)
{
	list_insert_between(node, head, head->next);
}

/* Unlink `node` and make it point at itself, so list_linked() tells it is out. */
static inline void list_remove(struct list_node *node)
{
	node->prev->next = node->next;
	node->next->prev = node->prev;
	node->next = node;
	node->prev = node;
}

/* Whether `node` is on a list (it was initialised or removed with these helpers). */
static inline bool list_linked(const struct list_node *node)
{
	return node->next != node;
}

/* The first node, or NULL for an empty list. */
static inline struct list_node *list_first(const struct list_node *head)
{
	return list_empty(head) ? NULL : head->next;
}

#define list_for_each(pos, head) for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

#endif /* BASE_LIST_H */
