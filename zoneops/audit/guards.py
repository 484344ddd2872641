"""Database triggers that refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE) of the audit log.

They guard against every code path, not only the ORM. Installed by migration 0002; test
teardown that must flush the database removes them and the next test reinstalls them.
"""

SQLITE_INSTALL = [
    "CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;",
    "CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update;",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete;",
]
POSTGRES_INSTALL = [
    """CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit log is append-only' USING ERRCODE = 'restrict_violation'; END;
       $$ LANGUAGE plpgsql;""",
    "CREATE OR REPLACE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON audit_auditentry "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();",
    "CREATE OR REPLACE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_auditentry "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();",
]
POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;",
    "DROP TRIGGER IF EXISTS audit_entry_no_change ON audit_auditentry;",
    "DROP FUNCTION IF EXISTS audit_entry_append_only();",
]


def _statements(connection, postgres, sqlite):
    return postgres if connection.vendor == "postgresql" else sqlite


def install(connection):
    with connection.cursor() as cursor:
        for sql in _statements(connection, POSTGRES_INSTALL, SQLITE_INSTALL):
            cursor.execute(sql)


def remove(connection):
    with connection.cursor() as cursor:
        for sql in _statements(connection, POSTGRES_REMOVE, SQLITE_REMOVE):
            cursor.execute(sql)
