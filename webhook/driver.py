"""Core statements run straight on the database driver, for the hot path.

SQLAlchemy's execution layer costs 50–80 µs a statement, several times what
SQLite itself spends on a one-row insert, and every WeChat delivery runs two
such statements. A ``DriverStatement`` is written once as SQLAlchemy Core,
compiled once per dialect, and then run on the DBAPI cursor of the connection
whose transaction the caller already holds, so it commits (or rolls back)
with the rest of the journal's batch. Every value passes through its column
type's bind processor, so it is stored exactly as SQLAlchemy would store it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.expression import Executable

Processor = Callable[[Any], Any]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # Parameter names in the order a positional paramstyle wants them.
    order: tuple[str, ...] | None
    processors: dict[str, Processor]
    # Values written into the statement itself (``status="delivered"``).
    constants: dict[str, Any]


class DriverStatement:
    """One Core statement, executed on the driver's own cursor.

    ``statement`` is the statement, or a function of the dialect name that
    builds it (for dialect-specific forms such as ``ON CONFLICT``).
    """

    def __init__(self, statement: Executable | Callable[[str], Executable]) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def execute(self, conn: Connection, values: Mapping[str, Any]) -> Any:
        """Run with ``values`` (keyed by bind parameter name); the DBAPI cursor."""
        compiled = self._compiled.get(conn.dialect.name)
        if compiled is None:
            statement = self.statement
            if not isinstance(statement, Executable):
                statement = statement(conn.dialect.name)
            compiled = self._compiled[conn.dialect.name] = _compile(
                statement, conn.dialect
            )
        params = {**compiled.constants, **values}
        for name, process in compiled.processors.items():
            params[name] = process(params[name])
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        if compiled.order is None:
            cursor.execute(compiled.sql, params)
        else:
            cursor.execute(compiled.sql, tuple(params[n] for n in compiled.order))
        return cursor


def _compile(statement: Executable, dialect: Dialect) -> _Compiled:
    compiled: Any = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
    computed = [*compiled.insert_prefetch, *compiled.update_prefetch]
    if computed:
        # Python-side column defaults are filled in by SQLAlchemy's execution
        # layer, which this path skips: such columns must be given values.
        names = ", ".join(sorted(column.name for column in computed))
        raise ValueError(f"give these columns a value explicitly: {names}")
    processors: dict[str, Processor] = {}
    constants: dict[str, Any] = {}
    for bind, name in compiled.bind_names.items():
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors[name] = process
        if not bind.required:
            constants[name] = bind.effective_value
    order = tuple(compiled.positiontup) if compiled.positional else None
    return _Compiled(compiled.string, order, processors, constants)
