"""The team engine: a PostgreSQL database with PostGIS, through psycopg 3.

The location is a libpq URL exactly as ``psql`` takes it (``postgresql://user@host:5432/db``,
``postgresql:///db?host=/run/postgresql`` for a Unix socket); it is handed to psycopg unchanged.

* Transactions run at READ COMMITTED; an update or delete first locks its rows (``SELECT ... FOR UPDATE``), so
  of two writers on one record the second sees the first's version and is refused with the conflict message.
* Imports (change sets that skip records already stored) take ``LOCK TABLE incidents IN SHARE ROW EXCLUSIVE
  MODE``: importers run one after the other, so the same report imported from two machines at once is stored
  exactly once. Readers are never blocked.
* The dataset version lives in ``store_meta``; each change set updates it last, under that row's lock.
* Reading takes one REPEATABLE READ snapshot: the records and the version always match.
* Schema creation and upgrades run under a session advisory lock, so two servers starting at once do not race.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import psycopg
import sqlalchemy as sa

from dashboard.data.engines import migrate
from dashboard.data.engines.base import Store
from dashboard.data.engines.changes import StoreError
from dashboard.i18n import N_

URL_PREFIXES = ("postgresql://", "postgres://")
_MIGRATION_LOCK = 0x5E60_0013  # pg_advisory_lock key for schema changes


def is_postgres_url(location: object) -> bool:
    return isinstance(location, str) and location.startswith(URL_PREFIXES)


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://…"
    if "password" in info:
        info["password"] = "***"  # noqa: S105 - hiding it, not setting it
    host = info.get("host", "")
    shown = f"postgresql://{info.get('user', '')}@{'' if host.startswith('/') else host}/{info.get('dbname', '')}"
    return shown + (f"?host={host}" if host.startswith("/") else "")


def _engine(url: str) -> sa.Engine:
    def connect():
        try:
            return psycopg.connect(url, application_name="incident-map")
        except psycopg.OperationalError as exc:
            raise StoreError(N_("{url}: cannot connect to the database ({why})"), url=redact(url),
                             why=" ".join(str(exc).split())[:300]) from None

    return sa.create_engine("postgresql+psycopg://", creator=connect, pool_pre_ping=True, pool_size=2,
                            max_overflow=4)


class PostgisStore(Store):
    engine_name = "postgis"

    def __init__(self, url: str):
        super().__init__(url, _engine(url))

    def point_sql(self) -> str:
        return "ST_SetSRID(ST_MakePoint(CAST(:longitude AS double precision), CAST(:latitude AS double precision)), 4326)"

    def select_point_sql(self) -> str:
        return "ST_X(geom), ST_Y(geom)"

    def read_point(self, row):
        return (None, None) if row[0] is None else (float(row[0]), float(row[1]))

    def lock_for_update(self) -> str:
        return " FOR UPDATE"

    @contextlib.contextmanager
    def write_connection(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn:
            yield conn

    def start_write(self, conn: sa.Connection, exclusive: bool) -> None:
        if exclusive:
            conn.exec_driver_sql("LOCK TABLE incidents IN SHARE ROW EXCLUSIVE MODE")

    @contextlib.contextmanager
    def read_connection(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn:
            yield conn.execution_options(isolation_level="REPEATABLE READ")

    def bulk_insert(self, conn, table, columns, rows, point=False) -> None:
        """COPY, the fast way into PostgreSQL; a point goes in as EWKT with exact (repr) coordinates."""
        if not rows:
            return
        names = [*columns, *(["geom"] if point else [])]
        n = len(columns)
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
            for r in rows:
                if point:
                    lon, lat = r[n], r[n + 1]
                    geom = None if lon is None or lat is None else f"SRID=4326;POINT({lon!r} {lat!r})"
                    copy.write_row((*r[:n], geom))
                else:
                    copy.write_row(r)


@contextlib.contextmanager
def migration_lock(store: PostgisStore) -> Iterator[None]:
    with store.engine.connect() as conn:
        conn.exec_driver_sql(f"SELECT pg_advisory_lock({_MIGRATION_LOCK})")
        conn.commit()
        try:
            yield
        finally:
            conn.exec_driver_sql(f"SELECT pg_advisory_unlock({_MIGRATION_LOCK})")
            conn.commit()


def has_schema(store: PostgisStore) -> bool:
    with store.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT to_regclass('alembic_version') IS NOT NULL").scalar()


def upgrade(store: PostgisStore) -> None:
    with migration_lock(store):
        migrate.upgrade(store.engine)
