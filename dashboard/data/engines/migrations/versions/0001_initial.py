"""The first schema: incidents (reports) with points, their sources, change sets, history and store metadata.

Same logical schema on both engines. On SQLite the file is made a valid GeoPackage 1.2 (core tables, the
``incidents`` feature table registered with SRID 4326 and the spec's R-tree spatial index and triggers, the other
tables registered as attributes) so QGIS and ``ogrinfo`` open it; on PostgreSQL the point is a PostGIS
``geometry(Point, 4326)`` with a GiST index. History and change sets are append-only on both (triggers).

Revision ID: 0001
Revises:
Create Date: 2025-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# frozen copy of the incident columns of this revision (later revisions add or change columns themselves)
TEXT, INT, BOOL, DATE = sa.Text, sa.Integer, sa.Boolean, sa.Date
INCIDENT_COLUMNS = (
    ("incident_id", TEXT), ("event_group", TEXT), ("date_start", DATE), ("date_end", DATE),
    ("date_precision", TEXT), ("location", TEXT), ("admin1", TEXT), ("admin2", TEXT), ("admin3", TEXT),
    ("geo_precision", INT), ("geocoded_from", TEXT), ("event_type", TEXT), ("sub_event_type", TEXT),
    ("civilian_targeting", BOOL), ("perpetrators", TEXT), ("perpetrator_category", TEXT),
    ("attribution_basis", TEXT), ("victims", TEXT), ("fatalities_min", INT), ("fatalities_max", INT),
    ("fatalities_best", INT), ("injured", TEXT), ("abducted", TEXT), ("summary", TEXT), ("sources", TEXT),
    ("verification", TEXT), ("verification_note", TEXT), ("inclusion_note", TEXT), ("dataset", TEXT),
    ("source_record_id", TEXT),
)
ATTRIBUTE_TABLES = ("sources", "changesets", "history", "store_meta")
APPEND_ONLY = ("changesets", "history")


class Point(sa.types.UserDefinedType):
    cache_ok = True

    def get_col_spec(self, **kw):
        return "POINT"


def _fid():
    """GeoPackage tables need an INTEGER PRIMARY KEY AUTOINCREMENT; PostgreSQL gets a bigint identity."""
    if _pg():
        return sa.Column("fid", sa.BigInteger(), sa.Identity(), primary_key=True)
    return sa.Column("fid", sa.Integer(), primary_key=True, autoincrement=True)


def _pg() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if _pg():
        _postgis_extension()
    else:
        _geopackage_core()
    sqlite_kw = {"sqlite_autoincrement": True}
    columns = [sa.Column(name, kind()) for name, kind in INCIDENT_COLUMNS]
    op.create_table("incidents", _fid(), *([] if _pg() else [sa.Column("geom", Point())]), *columns,
                    sa.Column("record_version", sa.Integer, nullable=False, server_default="1"), **sqlite_kw)
    if _pg():
        op.execute("ALTER TABLE incidents ADD COLUMN geom geometry(Point, 4326)")
        op.execute("CREATE INDEX incidents_geom_idx ON incidents USING gist (geom)")
    else:
        _geopackage_feature_table("incidents", "geom")
    op.create_index("incidents_incident_id", "incidents", ["incident_id"], unique=True)
    op.create_index("incidents_report", "incidents", ["dataset", "source_record_id"], unique=True,
                    sqlite_where=sa.text("source_record_id IS NOT NULL"),
                    postgresql_where=sa.text("source_record_id IS NOT NULL"))
    op.create_table("sources", _fid(), sa.Column("incident_id", TEXT, nullable=False),
                    sa.Column("position", INT, nullable=False), sa.Column("organisation", TEXT, nullable=False),
                    sa.Column("title", TEXT), sa.Column("url", TEXT), sa.Column("published", TEXT), **sqlite_kw)
    op.create_index("sources_incident", "sources", ["incident_id", "position"], unique=True)
    op.create_table("changesets", _fid(), sa.Column("changeset_id", TEXT, nullable=False, unique=True),
                    sa.Column("kind", TEXT, nullable=False), sa.Column("author", TEXT, nullable=False),
                    sa.Column("at", TEXT, nullable=False), sa.Column("reason", TEXT, nullable=False),
                    sa.Column("detail", TEXT), sa.CheckConstraint("length(trim(reason)) > 0", name="reason_given"),
                    **sqlite_kw)
    op.create_table("history", _fid(), sa.Column("changeset_id", TEXT, nullable=False),
                    sa.Column("record_type", TEXT, nullable=False), sa.Column("record_id", TEXT, nullable=False),
                    sa.Column("version", INT, nullable=False), sa.Column("field", TEXT),
                    sa.Column("before", TEXT), sa.Column("after", TEXT), **sqlite_kw)
    op.create_index("history_record", "history", ["record_type", "record_id", "version"])
    op.create_index("history_changeset", "history", ["changeset_id"])
    op.create_table("store_meta", _fid(), sa.Column("key", TEXT, nullable=False, unique=True),
                    sa.Column("value", TEXT), **sqlite_kw)
    op.execute("INSERT INTO store_meta (key, value) VALUES ('dataset_hash', '0')")
    for table in APPEND_ONLY:
        _append_only(table)
    if not _pg():
        for table in ATTRIBUTE_TABLES:
            op.execute(f"INSERT INTO gpkg_contents (table_name, data_type, identifier) "
                       f"VALUES ('{table}', 'attributes', '{table}')")


def downgrade() -> None:
    raise NotImplementedError("the first schema is not removed by a migration: delete the store instead")


# ---- PostgreSQL ----------------------------------------------------------------------------------------------
def _postgis_extension() -> None:
    bind = op.get_bind()
    if bind.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").first() is None:
        op.execute("CREATE EXTENSION postgis")


def _append_only(table: str) -> None:
    if _pg():
        op.execute("""CREATE OR REPLACE FUNCTION incident_map_append_only() RETURNS trigger LANGUAGE plpgsql AS
                      $$ BEGIN RAISE EXCEPTION '% is append-only: history is never changed or removed',
                      TG_TABLE_NAME; END $$""")
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION incident_map_append_only()")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION incident_map_append_only()")
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER {table}_append_only_{event.lower()} BEFORE {event} ON {table} BEGIN "
                   f"SELECT RAISE(ABORT, '{table} is append-only: history is never changed or removed'); END")


# ---- GeoPackage (SQLite) ---------------------------------------------------------------------------------------
_WGS84 = ('GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],'
          'AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",'
          '0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],'
          'AUTHORITY["EPSG","4326"]]')


def _geopackage_core() -> None:
    """The GeoPackage 1.2 core tables (spec, Annex C), with the three required spatial reference systems."""
    op.execute("PRAGMA application_id = 1196444487")  # 'GPKG'
    op.execute("PRAGMA user_version = 10200")  # GeoPackage 1.2.0
    op.execute("""CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
                  organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
                  description TEXT)""")
    op.execute(sa.text("""INSERT INTO gpkg_spatial_ref_sys VALUES
        ('Undefined Cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined Cartesian coordinate reference system'),
        ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
        ('WGS 84 geodetic', 4326, 'EPSG', 4326, :wgs84,
         'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')""").bindparams(wgs84=_WGS84))
    op.execute("""CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
                  identifier TEXT UNIQUE, description TEXT DEFAULT '',
                  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
                  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
                  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""")
    op.execute("""CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
                  geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
                  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
                  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
                  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
                  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))""")
    op.execute("""CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
                  definition TEXT NOT NULL, scope TEXT NOT NULL,
                  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))""")


def _geopackage_feature_table(table: str, geom: str) -> None:
    """Register a point table and give it the spec's R-tree index (the triggers call ST_IsEmpty/ST_MinX...,
    which GDAL and QGIS provide and the store engine registers on its own SQLite connections)."""
    op.execute(f"INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
               f"VALUES ('{table}', 'features', '{table}', 4326)")
    op.execute(f"INSERT INTO gpkg_geometry_columns VALUES ('{table}', '{geom}', 'POINT', 4326, 0, 0)")
    op.execute(f"INSERT INTO gpkg_extensions VALUES ('{table}', '{geom}', 'gpkg_rtree_index', "
               "'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')")
    rtree = f"rtree_{table}_{geom}"
    op.execute(f"CREATE VIRTUAL TABLE {rtree} USING rtree(id, minx, maxx, miny, maxy)")
    t, g, i = table, geom, "fid"
    box = f"ST_MinX(NEW.{g}), ST_MaxX(NEW.{g}), ST_MinY(NEW.{g}), ST_MaxY(NEW.{g})"
    triggers = {
        "insert": f"AFTER INSERT ON {t} WHEN (new.{g} NOT NULL AND NOT ST_IsEmpty(NEW.{g})) "
                  f"BEGIN INSERT OR REPLACE INTO {rtree} VALUES (NEW.{i}, {box}); END",
        "update1": f"AFTER UPDATE OF {g} ON {t} WHEN OLD.{i} = NEW.{i} AND (NEW.{g} NOTNULL AND NOT "
                   f"ST_IsEmpty(NEW.{g})) BEGIN INSERT OR REPLACE INTO {rtree} VALUES (NEW.{i}, {box}); END",
        "update2": f"AFTER UPDATE OF {g} ON {t} WHEN OLD.{i} = NEW.{i} AND (NEW.{g} ISNULL OR "
                   f"ST_IsEmpty(NEW.{g})) BEGIN DELETE FROM {rtree} WHERE id = OLD.{i}; END",
        "update3": f"AFTER UPDATE ON {t} WHEN OLD.{i} != NEW.{i} AND (NEW.{g} NOTNULL AND NOT "
                   f"ST_IsEmpty(NEW.{g})) BEGIN DELETE FROM {rtree} WHERE id = OLD.{i}; "
                   f"INSERT OR REPLACE INTO {rtree} VALUES (NEW.{i}, {box}); END",
        "update4": f"AFTER UPDATE ON {t} WHEN OLD.{i} != NEW.{i} AND (NEW.{g} ISNULL OR ST_IsEmpty(NEW.{g})) "
                   f"BEGIN DELETE FROM {rtree} WHERE id IN (OLD.{i}, NEW.{i}); END",
        "delete": f"AFTER DELETE ON {t} WHEN old.{g} NOT NULL BEGIN DELETE FROM {rtree} WHERE id = OLD.{i}; END",
    }
    for name, body in triggers.items():
        op.execute(f"CREATE TRIGGER {rtree}_{name} {body}")
