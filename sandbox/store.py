"""The sandbox's state: FHIR resources with a search index, DICOM instances, users, tokens.

One SQLite file in WAL mode; each call opens its own short transaction, so the store can be
used from the server's worker threads.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sandbox.indexing import SEARCH_PARAMS, index_values

JsonObj = dict[str, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS resource(
    rtype TEXT NOT NULL, rid TEXT NOT NULL, version INTEGER NOT NULL,
    last_updated TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (rtype, rid));
CREATE TABLE IF NOT EXISTS search(
    rtype TEXT NOT NULL, rid TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS search_lookup ON search(rtype, name, value);
CREATE INDEX IF NOT EXISTS search_owner ON search(rtype, rid);
CREATE INDEX IF NOT EXISTS search_sort ON search(rtype, name, rid, value);
CREATE TABLE IF NOT EXISTS instance(
    sop_uid TEXT PRIMARY KEY, series_uid TEXT NOT NULL, study_uid TEXT NOT NULL,
    patient_id TEXT NOT NULL, study_date TEXT NOT NULL, modality TEXT NOT NULL,
    series_number INTEGER, instance_number INTEGER, transfer_syntax TEXT NOT NULL,
    sop_class TEXT NOT NULL, path TEXT NOT NULL, header TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS instance_series ON instance(study_uid, series_uid);
CREATE INDEX IF NOT EXISTS instance_patient ON instance(patient_id);
CREATE TABLE IF NOT EXISTS user(
    username TEXT PRIMARY KEY, salt BLOB NOT NULL, pw_hash BLOB NOT NULL, role TEXT NOT NULL,
    practitioner TEXT NOT NULL, display TEXT NOT NULL, organization TEXT NOT NULL,
    department TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS refresh_token(
    token_hash TEXT PRIMARY KEY, family TEXT NOT NULL, username TEXT NOT NULL,
    client_id TEXT NOT NULL, scope TEXT NOT NULL, expires REAL NOT NULL,
    used INTEGER NOT NULL DEFAULT 0, revoked INTEGER NOT NULL DEFAULT 0,
    used_at REAL, replaced_by TEXT);
CREATE TABLE IF NOT EXISTS auth_code(
    code_hash TEXT PRIMARY KEY, username TEXT NOT NULL, client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL, challenge TEXT NOT NULL, scope TEXT NOT NULL,
    expires REAL NOT NULL, used INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS revoked_jti(jti TEXT PRIMARY KEY, expires REAL NOT NULL);
"""


class SearchError(ValueError):
    """A search request the server cannot understand (unknown parameter, bad value)."""


MAX_ALTERNATIVES = 100  # comma-separated values of one search parameter
MAX_VALUE_LENGTH = 256
_MODIFIERS = {"string": ("exact", "contains")}  # every other kind: no modifier

CATALOG_META_KEY = "catalog_document"  # the meta key of the recognition catalog document


@dataclass(frozen=True)
class SearchResult:
    """One page of matches and the total count."""

    total: int
    resources: list[JsonObj]


def now_iso() -> str:
    """The current UTC time as a FHIR instant."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Store:
    """SQLite-backed state of one sandbox data directory."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._write_lock = threading.Lock()
        db_path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            columns = {row["name"] for row in db.execute("PRAGMA table_info(refresh_token)")}
            for column, kind in (("used_at", "REAL"), ("replaced_by", "TEXT")):
                if column not in columns:  # a data directory made before the reuse grace
                    db.execute(f"ALTER TABLE refresh_token ADD COLUMN {column} {kind}")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.db_path, timeout=30)
        db.row_factory = sqlite3.Row
        try:
            with db:
                yield db
        finally:
            db.close()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection for reading (no write lock taken)."""
        with self._connect() as db:
            yield db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; writers are serialized."""
        with self._write_lock, self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            yield db

    # --- meta -----------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        """A value stored by ``set_meta``, or None."""
        with self._connect() as db:
            row = db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str) -> None:
        """Store a small named value (generation seed, key ids, …)."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # --- FHIR resources -------------------------------------------------------------------
    def put_resource(self, resource: JsonObj, db: sqlite3.Connection | None = None) -> JsonObj:
        """Insert or replace a resource (which must carry ``id``); sets ``meta``."""
        if db is None:
            with self.transaction() as tx:
                return self.put_resource(resource, tx)
        rtype, rid = resource["resourceType"], resource["id"]
        row = db.execute(
            "SELECT version FROM resource WHERE rtype=? AND rid=?", (rtype, rid)
        ).fetchone()
        version = 1 if row is None else int(row["version"]) + 1
        stamp = now_iso()
        meta: JsonObj = {"versionId": str(version), "lastUpdated": stamp}
        tags = (resource.get("meta") or {}).get("tag")
        if tags:  # a resource's tags are its own (a paper report's source), kept
            meta["tag"] = tags
        resource = {**resource, "meta": meta}
        db.execute(
            "INSERT OR REPLACE INTO resource(rtype, rid, version, last_updated, body)"
            " VALUES (?, ?, ?, ?, ?)",
            (rtype, rid, version, stamp, json.dumps(resource, ensure_ascii=False)),
        )
        db.execute("DELETE FROM search WHERE rtype=? AND rid=?", (rtype, rid))
        db.executemany(
            "INSERT INTO search(rtype, rid, name, value) VALUES (?, ?, ?, ?)",
            [(rtype, rid, name, value) for name, value in index_values(resource)],
        )
        return resource

    def get_resource(self, rtype: str, rid: str) -> JsonObj | None:
        """A resource by type and id, or None."""
        with self._connect() as db:
            row = db.execute(
                "SELECT body FROM resource WHERE rtype=? AND rid=?", (rtype, rid)
            ).fetchone()
        return None if row is None else dict(json.loads(row["body"]))

    def get_references(self, refs: Sequence[str]) -> list[JsonObj]:
        """Resources for ``Type/id`` references, skipping any that do not exist."""
        out = []
        for ref in dict.fromkeys(refs):
            rtype, _, rid = ref.partition("/")
            found = self.get_resource(rtype, rid)
            if found is not None:
                out.append(found)
        return out

    def search(
        self,
        rtype: str,
        params: Sequence[tuple[str, str]],
        *,
        count: int,
        offset: int,
        sort: str = "",
        db: sqlite3.Connection | None = None,
    ) -> SearchResult:
        """FHIR search: repeated parameters AND, comma-separated values OR.

        Supports modifiers ``:exact`` and ``:contains`` on strings (no others), date prefixes
        ``eq ge le gt lt``, and ``_sort`` on a date parameter (``-date`` = newest first).
        Raises SearchError for parameters or modifiers this type does not support, more than
        MAX_ALTERNATIVES alternatives or values longer than MAX_VALUE_LENGTH.
        """
        known = SEARCH_PARAMS.get(rtype)
        if known is None:
            raise SearchError(f"{rtype} cannot be searched")
        where = ["r.rtype = ?"]
        args: list[Any] = [rtype]
        for raw_name, raw_value in params:
            name, colon, modifier = raw_name.partition(":")
            kind = known.get(name) or ("token" if name == "_id" else None)
            if kind is None:
                raise SearchError(f"unknown search parameter {raw_name!r} for {rtype}")
            if colon and modifier not in _MODIFIERS.get(kind, ()):
                raise SearchError(f"modifier :{modifier} is not supported on {name}")
            alternatives = [v for v in raw_value.split(",") if v != ""]
            if len(alternatives) > MAX_ALTERNATIVES:
                raise SearchError(f"at most {MAX_ALTERNATIVES} alternatives per parameter")
            if any(len(v) > MAX_VALUE_LENGTH for v in alternatives):
                raise SearchError(f"a search value may be at most {MAX_VALUE_LENGTH} characters")
            if not alternatives:
                continue
            clauses: list[str] = []
            clause_args: list[Any] = []
            for value in alternatives:
                sql, sql_args = _match_clause(name, kind, modifier, value)
                clauses.append(sql)
                clause_args.extend(sql_args)
            if name == "_id":
                where.append("(" + " OR ".join("r.rid = ?" for _ in alternatives) + ")")
                args.extend(alternatives)
                continue
            # Driven from the (rtype, name, value) index: only this parameter's rows are read.
            where.append(
                "r.rid IN (SELECT s.rid FROM search s WHERE s.rtype = ?"  # noqa: S608
                " AND s.name = ? AND (" + " OR ".join(clauses) + "))"
            )
            args.extend([rtype, name])
            args.extend(clause_args)
        order = "r.rid"
        order_args: list[Any] = []
        if sort:
            descending = sort.startswith("-")
            sort_name = sort.lstrip("-")
            if known.get(sort_name) != "date":
                raise SearchError(f"cannot sort {rtype} by {sort_name!r}")
            # Each match's sort value is one lookup in the search_sort index (a join over a
            # grouped subquery read every resource's dates for every page).
            direction = "DESC" if descending else "ASC"
            order = (
                "(SELECT MAX(v.value) FROM search v WHERE v.rtype = r.rtype AND v.name = ?"  # noqa: S608 - direction is one of two words
                f" AND v.rid = r.rid) {direction}, r.rid {direction}"
            )
            order_args = [sort_name]
        condition = " AND ".join(where)

        def run(conn: sqlite3.Connection) -> SearchResult:
            total = conn.execute(
                f"SELECT COUNT(*) AS n FROM resource r WHERE {condition}",  # noqa: S608
                args,
            ).fetchone()["n"]
            # The sort carries ids only, the page's bodies are read after: sorting whole
            # bodies made a page of a 10,000-report history take a second.
            rids = [
                str(row["rid"])
                for row in conn.execute(
                    f"SELECT r.rid FROM resource r WHERE {condition}"  # noqa: S608
                    f" ORDER BY {order} LIMIT ? OFFSET ?",
                    [*args, *order_args, count, offset],
                )
            ]
            marks = ",".join("?" for _ in rids)
            bodies = {
                str(row["rid"]): str(row["body"])
                for row in conn.execute(
                    f"SELECT rid, body FROM resource WHERE rtype = ? AND rid IN ({marks})",  # noqa: S608
                    [rtype, *rids],
                )
            }
            return SearchResult(int(total), [dict(json.loads(bodies[rid])) for rid in rids])

        if db is not None:
            return run(db)
        with self._connect() as conn:
            return run(conn)

    def reference_values(self, rtype: str, rid: str, name: str) -> list[str]:
        """The reference values a resource is indexed under for parameter ``name``."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT value FROM search WHERE rtype=? AND rid=? AND name=?", (rtype, rid, name)
            ).fetchall()
        return [str(row["value"]) for row in rows]

    def count(self, rtype: str) -> int:
        """How many resources of a type exist."""
        with self._connect() as db:
            row = db.execute("SELECT COUNT(*) AS n FROM resource WHERE rtype=?", (rtype,))
            return int(row.fetchone()["n"])

    # --- DICOM instances ------------------------------------------------------------------
    def put_instance(self, record: JsonObj, db: sqlite3.Connection | None = None) -> None:
        """Register a DICOM file (keys as the ``instance`` table's columns; header as dict)."""
        if db is None:
            with self.transaction() as tx:
                self.put_instance(record, tx)
                return
        db.execute(
            "INSERT OR REPLACE INTO instance(sop_uid, series_uid, study_uid, patient_id,"
            " study_date, modality, series_number, instance_number, transfer_syntax, sop_class,"
            " path, header) VALUES (:sop_uid, :series_uid, :study_uid, :patient_id, :study_date,"
            " :modality, :series_number, :instance_number, :transfer_syntax, :sop_class, :path,"
            " :header)",
            {**record, "header": json.dumps(record["header"], ensure_ascii=False)},
        )

    def instances(
        self,
        study_uid: str | None = None,
        series_uid: str | None = None,
        sop_uid: str | None = None,
        patient_id: str | None = None,
    ) -> list[sqlite3.Row]:
        """Instance rows filtered by any of the UIDs, ordered by series and instance number."""
        where, args = [], []
        for column, value in (
            ("study_uid", study_uid),
            ("series_uid", series_uid),
            ("sop_uid", sop_uid),
            ("patient_id", patient_id),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        condition = " AND ".join(where) or "1=1"
        with self._connect() as db:
            return db.execute(
                f"SELECT * FROM instance WHERE {condition}"  # noqa: S608
                " ORDER BY study_uid, series_number, series_uid, instance_number, sop_uid",
                args,
            ).fetchall()

    def connect(self) -> sqlite3.Connection:
        """A raw connection for read-only reporting queries; the caller closes it."""
        db = sqlite3.connect(self.db_path, timeout=30)
        db.row_factory = sqlite3.Row
        return db


def _match_clause(name: str, kind: str, modifier: str, value: str) -> tuple[str, list[Any]]:
    if kind == "string":
        needle = value.lower()
        if modifier == "exact":
            return "s.value = ?", [needle]
        if modifier == "contains":
            return "instr(s.value, ?) > 0", [needle]
        return "substr(s.value, 1, ?) = ?", [len(needle), needle]
    if kind == "date":
        prefix, bare = (value[:2], value[2:]) if value[:2].isalpha() else ("eq", value)
        operators = {"eq": "=", "ge": ">=", "le": "<=", "gt": ">", "lt": "<"}
        if prefix not in operators or not bare[:4].isdigit():
            raise SearchError(f"bad date value {value!r} for {name}")
        return f"substr(s.value, 1, ?) {operators[prefix]} ?", [len(bare), bare]
    if kind == "reference" and "/" not in value:
        # A bare id matches Type/id, compared as text (no LIKE: % and _ are no wildcards).
        tail = f"/{value}"
        return "(s.value = ? OR substr(s.value, ?) = ?)", [value, -len(tail), tail]
    return "s.value = ?", [value]
