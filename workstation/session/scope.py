"""Scopes: the lifetimes that background work belongs to (a patient, a result, a study, a
cell). Closing a scope cancels its work and every scope opened inside it; results,
progress and errors of cancelled work are dropped by whoever delivers them."""

from __future__ import annotations

import threading
import weakref


class Scope:
    """One lifetime. ``cancel`` is set when this scope or one around it closes; pass it to
    the work as its cancellation token. Thread-safe."""

    def __init__(self, name: str, parent: Scope | None = None) -> None:
        self.name = name
        self.parent = parent
        self.cancel = threading.Event()
        self._children: dict[str, Scope] = {}
        self._linked: weakref.WeakSet[threading.Event] = weakref.WeakSet()
        self._lock = threading.Lock()

    @property
    def closed(self) -> bool:
        """True once this scope (or one it lies in) has closed."""
        return self.cancel.is_set()

    def open(self, name: str) -> Scope:
        """A new scope inside this one, replacing (closing) the previous one of that name:
        opening "patient" again ends everything of the patient before. A scope opened in a
        closed scope is closed from the start."""
        child = Scope(name, self)
        with self._lock:
            previous = self._children.get(name)
            self._children[name] = child
            closed = self.closed
        if previous is not None:
            previous.close()
        if closed:
            child.close()
        return child

    def link(self, event: threading.Event) -> None:
        """Set ``event`` when this scope closes (at once if it has): a task's own cancel
        token follows its scope without the task being able to close the scope."""
        with self._lock:
            self._linked.add(event)
            closed = self.closed
        if closed:
            event.set()

    def current(self, name: str) -> Scope | None:
        """The open child scope of that name, if any."""
        with self._lock:
            child = self._children.get(name)
        return child if child is not None and not child.closed else None

    def close(self) -> None:
        """End this scope and all scopes inside it (idempotent)."""
        self.cancel.set()
        with self._lock:
            children = list(self._children.values())
            self._children.clear()
            linked = list(self._linked)
        for event in linked:
            event.set()
        for child in children:
            child.close()
        if self.parent is not None:
            self.parent._forget(self)

    def _forget(self, child: Scope) -> None:
        with self._lock:
            if self._children.get(child.name) is child:
                del self._children[child.name]

    def __repr__(self) -> str:
        path = []
        scope: Scope | None = self
        while scope is not None:
            path.append(scope.name)
            scope = scope.parent
        return f"<Scope {'/'.join(reversed(path))}{' closed' if self.closed else ''}>"
