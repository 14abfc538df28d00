extension PGMigrations {
    /// `2026-12-10-act-cache-generation`: one row whose number changes with every change to the people, their role
    /// grants and the offices (their profiles), so that each node's cache of what an act reads of them
    /// (`ActReadCache`) is checked with one read per write transaction and is never stale. The store bumps it as well
    /// when it commits a transaction that wrote those tables (an office bundle's import disables triggers).
    static let actCacheGeneration = #"""
        CREATE TABLE act_cache_generation (
            id bigint PRIMARY KEY CHECK (id = 1),
            generation bigint NOT NULL
        );
        INSERT INTO act_cache_generation (id, generation) VALUES (1, 1);
        CREATE FUNCTION opcc_bump_act_cache_generation() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE act_cache_generation SET generation = generation + 1 WHERE id = 1;
            RETURN NULL;
        END;
        $$;
        CREATE TRIGGER person_bumps_act_cache_generation
        AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON person
        FOR EACH STATEMENT EXECUTE FUNCTION opcc_bump_act_cache_generation();
        CREATE TRIGGER role_grant_bumps_act_cache_generation
        AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON role_grant
        FOR EACH STATEMENT EXECUTE FUNCTION opcc_bump_act_cache_generation();
        CREATE TRIGGER office_bumps_act_cache_generation
        AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON office
        FOR EACH STATEMENT EXECUTE FUNCTION opcc_bump_act_cache_generation();
        """#
}
