import FluentKit
import SQLKit

/// On PostgreSQL, `asset_software.version_num` loses its foreign key to `software_versions` (decision 0079): the
/// per-row check cost a first import of 800 programs more than the rest of its links together. Integrity is kept
/// by construction instead: links go in only through ``InventoryImporter/insertLinks(asset:_:on:)``, which joins
/// them to `software_versions`, and a statement trigger deletes the links of deleted versions (whoever deletes
/// them, `software`'s cascade included), as the key's `ON DELETE CASCADE` did. SQLite keeps its key.
struct DropSoftwareLinkVersionKey: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        try await sql.raw("""
            DO $$ DECLARE key_name text; BEGIN
                FOR key_name IN SELECT conname FROM pg_constraint WHERE contype = 'f'
                    AND conrelid = 'asset_software'::regclass AND confrelid = 'software_versions'::regclass LOOP
                    EXECUTE format('ALTER TABLE asset_software DROP CONSTRAINT %I', key_name);
                END LOOP;
            END $$
            """).run()
        try await sql.raw("""
            CREATE OR REPLACE FUNCTION software_versions_unlink() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM asset_software WHERE version_num IN (SELECT num FROM gone);
                RETURN NULL;
            END $$
            """).run()
        try await sql.raw("""
            CREATE TRIGGER software_versions_unlink AFTER DELETE ON software_versions
            REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION software_versions_unlink()
            """).run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        try await sql.raw("DROP TRIGGER software_versions_unlink ON software_versions").run()
        try await sql.raw("DROP FUNCTION software_versions_unlink()").run()
        try await sql.raw("""
            ALTER TABLE asset_software ADD FOREIGN KEY (version_num) REFERENCES software_versions (num) ON DELETE CASCADE
            """).run()
    }
}
