"""Stores as an older incident-map wrote them, for the migration tests of every module that adds a revision.

``tests/fixtures/store_0003.gpkg`` was written by incident-map at schema revision 0003 (before ``summary_fr`` and
``summary_lang``, migration ``0004_summary_lang``): ``init_store`` then ``write_store`` of two incidents, T-1 (a point)
and T-2 (no point, a summary with quotes and markup), then ``VACUUM`` with 512-byte pages to keep the file small.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

OLD_STORE = Path(__file__).resolve().parent / "fixtures" / "store_0003.gpkg"


def gpkg_store_at(path: Path, revision: str | None = None) -> Path:
    """A copy of the 0003 fixture at ``path``, migrated up to ``revision`` (left at 0003 when None)."""
    shutil.copy(OLD_STORE, path)
    if revision is not None:
        import sqlalchemy as sa
        from alembic import command

        from dashboard.data.engines import migrate

        engine = sa.create_engine(f"sqlite:///{path}")
        with engine.connect() as conn:
            command.upgrade(migrate._config(conn), revision)
            conn.commit()
        engine.dispose()
    return path


def postgis_store_at(pg_cluster, revision: str) -> tuple[str, dict]:
    """A PostGIS database migrated to ``revision`` holding the fixture's rows and store metadata: its URL and
    the metadata."""
    import sqlalchemy as sa
    from alembic import command

    from dashboard.data.engines import gpkg, migrate, postgis

    url = pg_cluster.create_database()
    old = postgis.PostgisStore(url)
    with old.engine.connect() as conn:
        command.upgrade(migrate._config(conn), revision)
        conn.commit()
    with sqlite3.connect(f"file:{OLD_STORE}?mode=ro", uri=True) as lite:
        cursor = lite.execute("SELECT * FROM incidents ORDER BY fid")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
        meta = dict(lite.execute("SELECT key, value FROM store_meta").fetchall())
    with old.engine.begin() as conn:
        for r in rows:
            lon, lat = gpkg.blob_point(r.pop("geom"))
            r.pop("fid")
            if r["civilian_targeting"] is not None:  # SQLite keeps booleans as 0/1
                r["civilian_targeting"] = bool(r["civilian_targeting"])
            cols = list(r)
            conn.execute(sa.text(f"INSERT INTO incidents ({', '.join(cols)}, geom) VALUES "
                                 f"({', '.join(':' + c for c in cols)}, {old.point_sql()})"),
                         {**r, "longitude": lon, "latitude": lat})
        for key, value in meta.items():
            conn.execute(sa.text("DELETE FROM store_meta WHERE key = :k"), {"k": key})
            conn.execute(sa.text("INSERT INTO store_meta (key, value) VALUES (:k, :v)"), {"k": key, "v": value})
    old.close()
    return url, meta
